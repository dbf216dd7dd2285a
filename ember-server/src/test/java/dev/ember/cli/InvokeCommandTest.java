package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvokeCommandTest {
    private static final String INVOCATIONS = "/2015-03-31/functions/hello/invocations";

    private final FakeLambda lambda = FakeLambda.start();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        lambda.close();
    }

    private void answer(String target, String body, String... headers) {
        lambda.on("POST", target, exchange -> {
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
            FakeLambda.reply(exchange, 200, body);
        });
    }

    @Test
    void sendsAnEmptyEventAndPrintsTheResultExactly() {
        answer(INVOCATIONS, "{\"greeting\":\"héllo\"}");

        Ember.Run run = Ember.against(lambda, "invoke", "hello");

        assertThat(run.exitCode()).as(run.err()).isZero();
        FakeLambda.Request request = lambda.request("POST", INVOCATIONS);
        assertThat(request.text()).isEqualTo("{}");
        assertThat(request.header("X-Amz-Invocation-Type")).isEqualTo("RequestResponse");
        assertThat(request.header("X-Amz-Log-Type")).isNull();
        assertThat(run.out()).isEqualTo("{\"greeting\":\"héllo\"}\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void doesNotAddASecondNewline() {
        answer(INVOCATIONS, "\"done\"\n");

        Ember.Run run = Ember.against(lambda, "invoke", "hello");

        assertThat(run.out()).isEqualTo("\"done\"\n");
    }

    @Test
    void readsThePayloadFromAFileAndInvokesAQualifier() throws Exception {
        Path event = Files.writeString(dir.resolve("event.json"), "{\"n\": 42}\n");
        answer(INVOCATIONS + "?Qualifier=live", "43");

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--payload", "@" + event, "--qualifier", "live");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", INVOCATIONS + "?Qualifier=live").text()).isEqualTo("{\"n\": 42}\n");
        assertThat(run.out()).isEqualTo("43\n");
    }

    @Test
    void sendsAnInlinePayload() {
        answer(INVOCATIONS, "{}");

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--payload", "{\"name\":\"Ada\"}");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", INVOCATIONS).text()).isEqualTo("{\"name\":\"Ada\"}");
    }

    @Test
    void printsTheLogTailOnStderrWithLog() {
        String tail = "START RequestId: 1 Version: $LATEST\nhello from the function\nEND RequestId: 1\n";
        answer(INVOCATIONS, "\"ok\"", "X-Amz-Log-Result",
                Base64.getEncoder().encodeToString(tail.getBytes(StandardCharsets.UTF_8)));

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--log");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", INVOCATIONS).header("X-Amz-Log-Type")).isEqualTo("Tail");
        assertThat(run.err()).isEqualTo(tail);
        assertThat(run.out()).isEqualTo("\"ok\"\n");
    }

    @Test
    void exitsWithOneOnAFunctionErrorAndKeepsStdoutToTheResult() {
        String error = "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\","
                + "\"stackTrace\":[\"example.Hello.handleRequest(Hello.java:12)\"]}";
        answer(INVOCATIONS, error, "X-Amz-Function-Error", "Unhandled");

        Ember.Run run = Ember.against(lambda, "invoke", "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(error + "\n");
        assertThat(run.err()).isEqualTo("ember: hello failed (Unhandled): java.lang.IllegalStateException: boom\n");
    }

    @Test
    void reportsAMissingPayloadFile() {
        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--payload", "@" + dir.resolve("nope.json"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: cannot read --payload file " + dir.resolve("nope.json")
                + ": no such file\n");
        assertThat(lambda.requests()).isEmpty();
    }

    @Test
    void reportsThrottlingAsALambdaError() {
        lambda.onError("POST", INVOCATIONS, 429, "TooManyRequestsException", "Rate Exceeded.");

        Ember.Run run = Ember.against(lambda, "invoke", "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ember: TooManyRequestsException: Rate Exceeded.\n");
    }

    private void accept(String target, String requestId) {
        lambda.on("POST", target, exchange -> {
            exchange.getResponseHeaders().add("X-Amzn-RequestId", requestId);
            FakeLambda.reply(exchange, 202, null);
        });
    }

    @Test
    void queuesAnEventWithAsyncAndPrintsOnlyItsRequestId() {
        accept(INVOCATIONS, "6f1c2a9e-request");

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--async", "--payload", "{\"order\":42}");

        assertThat(run.exitCode()).as(run.err()).isZero();
        FakeLambda.Request request = lambda.request("POST", INVOCATIONS);
        assertThat(request.header("X-Amz-Invocation-Type")).isEqualTo("Event");
        assertThat(request.header("X-Amz-Log-Type")).isNull();
        assertThat(request.text()).isEqualTo("{\"order\":42}");
        assertThat(run.out()).isEqualTo("6f1c2a9e-request\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void queuesAnEventForAQualifierFromAFile() throws Exception {
        Path event = Files.writeString(dir.resolve("event.json"), "{\"n\": 1}");
        accept(INVOCATIONS + "?Qualifier=live", "a-request");

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--async", "--qualifier", "live",
                "--payload", "@" + event);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", INVOCATIONS + "?Qualifier=live").text()).isEqualTo("{\"n\": 1}");
        assertThat(run.out()).isEqualTo("a-request\n");
    }

    @Test
    void refusesLogWithAsyncBeforeAnyRequest() {
        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--async", "--log");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("ember: --log cannot go with --async: the function runs after the event is"
                + " queued; read its log with 'ember logs hello'\n").contains("Usage: ember invoke ");
        assertThat(lambda.requests()).isEmpty();
    }

    @Test
    void reportsAFullBacklogAsALambdaError() {
        lambda.onError("POST", INVOCATIONS, 429, "TooManyRequestsException",
                "The asynchronous backlog of hello holds 3 events, its limit");

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--async");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ember: TooManyRequestsException: The asynchronous backlog of hello holds 3"
                + " events, its limit\n");
    }
}
