package dev.ember.async;

import static dev.ember.async.AsyncFunctions.deployRecording;
import static dev.ember.async.AsyncFunctions.messages;
import static dev.ember.async.AsyncFunctions.parse;
import static dev.ember.async.AsyncFunctions.seen;
import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Event invocations through the AWS SDK against a real server: retries on the injected clock, destinations and
 * dead-letter queues with AWS's record format, maximum age, backpressure, redrive.
 */
class AsyncInvocationTest {
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:";
    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:";

    @TempDir
    Path dataDir;
    @TempDir
    Path work;
    final TestClock clock = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));
    EmberTestServer ember;
    LambdaClient lambda;

    @BeforeEach
    void start() {
        start(AsyncInvocations.Limits.defaults());
    }

    private void start(AsyncInvocations.Limits limits) {
        if (ember != null) {
            ember.close();
        }
        ember = EmberTestServer.start(dataDir, o -> o.withSandbox(false).withClock(clock).withAsyncLimits(limits));
        lambda = ember.lambda();
    }

    @AfterEach
    void stop() {
        ember.close();
    }

    private InvokeResponse invokeAsync(String function, String event) {
        return lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(event)));
    }

    private void awaitSeen(Path file, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen(file).size() >= count);
    }

    /** Waits until the function's {@code retries}-th retry is scheduled: only then is its due time fixed. */
    private void awaitRetries(String function, int retries) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode stats = AsyncFunctions.get(ember.endpoint(), "/ember/v1/functions/" + function + "/async");
            return stats.path("Retries").asInt() >= retries && stats.path("Running").asInt() == 0;
        });
    }

    private List<JsonNode> awaitMessages(String queue, int count) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> messages(ember.endpoint(), queue).size() >= count);
        return messages(ember.endpoint(), queue);
    }

    @Test
    void aFunctionErrorIsRetriedAfterOneAndTwoMinutesAndTheSuccessRecordGoesToTheDestination() throws Exception {
        Path seen = deployRecording(lambda, "flaky", work, 2);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("flaky")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(QUEUE + "done"))));

        InvokeResponse accepted = invokeAsync("flaky", "{\"order\":42}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String requestId = accepted.responseMetadata().requestId();
        awaitRetries("flaky", 1);

        clock.advance(Duration.ofSeconds(59));
        Thread.sleep(300); // the dispatcher looks at the clock every 100 ms: a retry now would have started
        assertThat(seen(seen)).hasSize(1);
        JsonNode stats = AsyncFunctions.get(ember.endpoint(), "/ember/v1/functions/flaky/async");
        assertThat(stats.path("Backlog").asInt()).isEqualTo(1);
        assertThat(stats.path("WaitingToRetry").asInt()).isEqualTo(1);
        assertThat(stats.path("Retries").asInt()).isEqualTo(1);
        assertThat(stats.path("OldestEnqueuedAt").asText()).isEqualTo("2026-12-07T10:00:00Z");

        clock.advance(Duration.ofSeconds(1));
        awaitRetries("flaky", 2);
        clock.advance(Duration.ofSeconds(119));
        Thread.sleep(300);
        assertThat(seen(seen)).hasSize(2);
        clock.advance(Duration.ofSeconds(1));
        awaitSeen(seen, 3);
        // Every attempt carries the request id the caller got.
        assertThat(seen(seen)).containsOnly(requestId);

        JsonNode record = parse(awaitMessages("done", 1).getFirst().path("Body").asText());
        assertThat(record.path("version").asText()).isEqualTo("1.0");
        assertThat(record.path("timestamp").asText()).isEqualTo("2026-12-07T10:03:00.000Z");
        assertThat(record.path("requestContext").path("requestId").asText()).isEqualTo(requestId);
        assertThat(record.path("requestContext").path("functionArn").asText()).isEqualTo(ARN + "flaky:$LATEST");
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("Success");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("requestPayload")).isEqualTo(parse("{\"order\":42}"));
        assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
        assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("$LATEST");
        assertThat(record.path("responseContext").has("functionError")).isFalse();
        assertThat(record.path("responsePayload")).isEqualTo(parse("{\"ok\":3,\"event\":{\"order\":42}}"));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> AsyncFunctions.get(ember.endpoint(),
                "/ember/v1/functions/flaky/async").path("Backlog").asInt() == 0);
        stats = AsyncFunctions.get(ember.endpoint(), "/ember/v1/functions/flaky/async");
        assertThat(stats.path("Succeeded").asInt()).isEqualTo(1);
        assertThat(stats.path("Retries").asInt()).isEqualTo(2);
        assertThat(stats.has("OldestEnqueuedAt")).isFalse();
    }

    @Test
    void whenRetriesAreExhaustedTheFailureRecordAndTheDeadLetterAreWritten() throws Exception {
        Path seen = deployRecording(lambda, "broken", work, 100);
        lambda.updateFunctionConfiguration(b -> b.functionName("broken")
                .deadLetterConfig(d -> d.targetArn(QUEUE + "broken-dlq")));
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName("broken")).deadLetterConfig().targetArn())
                .isEqualTo(QUEUE + "broken-dlq");
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("broken").maximumRetryAttempts(1)
                .destinationConfig(d -> d.onFailure(f -> f.destination(QUEUE + "failures"))));

        String requestId = invokeAsync("broken", "{\"n\":1}").responseMetadata().requestId();
        awaitRetries("broken", 1);
        clock.advance(Duration.ofMinutes(1));
        awaitSeen(seen, 2);

        JsonNode record = parse(awaitMessages("failures", 1).getFirst().path("Body").asText());
        assertThat(record.path("requestContext").path("requestId").asText()).isEqualTo(requestId);
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.path("requestPayload")).isEqualTo(parse("{\"n\":1}"));
        assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
        assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("$LATEST");
        assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.path("responsePayload").path("errorMessage").asText()).isEqualTo("attempt 2 failed");
        assertThat(record.path("responsePayload").path("errorType").asText()).isEqualTo("Flaky");

        JsonNode deadLetter = awaitMessages("broken-dlq", 1).getFirst();
        assertThat(parse(deadLetter.path("Body").asText())).isEqualTo(parse("{\"n\":1}"));
        assertThat(deadLetter.path("Attributes").path("RequestID").asText()).isEqualTo(requestId);
        assertThat(deadLetter.path("Attributes").path("ErrorCode").asText()).isEqualTo("200");
        assertThat(deadLetter.path("Attributes").path("ErrorMessage").asText()).isEqualTo("attempt 2 failed");
        assertThat(seen(seen)).hasSize(2);

        // The dead letters go back to the function: it invokes the event again (and fails it again).
        Path fixed = deployRecording(lambda, "fixed", work, 0);
        JsonNode redrive = post("/ember/v1/queues/broken-dlq/redrive", "{\"FunctionName\":\"fixed\"}");
        assertThat(redrive.path("Moved").asInt()).isEqualTo(1);
        assertThat(redrive.path("Left").asInt()).isZero();
        awaitSeen(fixed, 1);
        assertThat(messages(ember.endpoint(), "broken-dlq")).isEmpty();
    }

    @Test
    void anEventThrottledPastItsMaximumAgeExpiresWithoutRunning() throws Exception {
        Path seen = deployRecording(lambda, "held", work, 0);
        lambda.putFunctionConcurrency(b -> b.functionName("held").reservedConcurrentExecutions(0));
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("held").maximumEventAgeInSeconds(60)
                .destinationConfig(d -> d.onFailure(f -> f.destination(QUEUE + "expired"))));
        String requestId = invokeAsync("held", "{\"late\":true}").responseMetadata().requestId();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> AsyncFunctions.get(ember.endpoint(),
                "/ember/v1/functions/held/async").path("ThrottleRetries").asInt() >= 1);
        clock.advance(Duration.ofSeconds(61));

        JsonNode record = parse(awaitMessages("expired", 1).getFirst().path("Body").asText());
        assertThat(record.path("requestContext").path("requestId").asText()).isEqualTo(requestId);
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("EventAgeExceeded");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isZero();
        assertThat(record.path("requestPayload")).isEqualTo(parse("{\"late\":true}"));
        assertThat(record.has("responseContext")).isFalse();
        assertThat(record.has("responsePayload")).isFalse();
        assertThat(seen(seen)).isEmpty();
        JsonNode stats = AsyncFunctions.get(ember.endpoint(), "/ember/v1/functions/held/async");
        assertThat(stats.path("Backlog").asInt()).isZero();
        assertThat(stats.path("Failed").asInt()).isEqualTo(1);
    }

    @Test
    void aDestinationFunctionIsInvokedAsynchronouslyWithTheRecord() throws Exception {
        deployRecording(lambda, "source", work, 0);
        Path sink = deployRecording(lambda, "sink", work, 0);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("source")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(ARN + "sink"))));

        String requestId = invokeAsync("source", "{\"x\":1}").responseMetadata().requestId();
        awaitSeen(sink, 1);
        assertThat(seen(sink).getFirst()).isNotEqualTo(requestId);
        // The sink answered with the event it got: the record.
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("sink")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(QUEUE + "sunk"))));
        invokeAsync("source", "{\"x\":2}");
        JsonNode sunk = parse(awaitMessages("sunk", 1).getFirst().path("Body").asText());
        JsonNode forwarded = sunk.path("requestPayload");
        assertThat(forwarded.path("requestContext").path("functionArn").asText()).isEqualTo(ARN + "source:$LATEST");
        assertThat(forwarded.path("requestContext").path("condition").asText()).isEqualTo("Success");
        assertThat(forwarded.path("requestPayload")).isEqualTo(parse("{\"x\":2}"));
        assertThat(sunk.path("requestContext").path("functionArn").asText()).isEqualTo(ARN + "sink:$LATEST");
    }

    @Test
    void theConfigurationApiWorksAsAwsDescribesIt() {
        deployRecording(lambda, "fn", work, 0);
        lambda.publishVersion(b -> b.functionName("fn"));
        assertThatThrownBy(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName("fn")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("doesn't have an EventInvokeConfig");

        var put = lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn").maximumRetryAttempts(1));
        assertThat(put.functionArn()).isEqualTo(ARN + "fn:$LATEST");
        assertThat(put.maximumRetryAttempts()).isEqualTo(1);
        assertThat(put.maximumEventAgeInSeconds()).isEqualTo(21600);
        assertThat(put.lastModified()).isEqualTo(clock.instant());

        // Update changes what it names; Put replaces everything.
        var updated = lambda.updateFunctionEventInvokeConfig(b -> b.functionName("fn").maximumEventAgeInSeconds(120)
                .destinationConfig(d -> d.onFailure(f -> f.destination(QUEUE + "q"))));
        assertThat(updated.maximumRetryAttempts()).isEqualTo(1);
        assertThat(updated.maximumEventAgeInSeconds()).isEqualTo(120);
        assertThat(updated.destinationConfig().onFailure().destination()).isEqualTo(QUEUE + "q");
        var replaced = lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn").maximumEventAgeInSeconds(300));
        assertThat(replaced.maximumRetryAttempts()).isEqualTo(2);
        assertThat(replaced.destinationConfig().onFailure().destination()).isNull();

        lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn").qualifier("1").maximumRetryAttempts(0));
        assertThat(lambda.getFunctionEventInvokeConfig(b -> b.functionName("fn").qualifier("1"))
                .maximumRetryAttempts()).isZero();
        assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName("fn")).functionEventInvokeConfigs())
                .extracting(c -> c.functionArn()).containsExactly(ARN + "fn:$LATEST", ARN + "fn:1");
        lambda.deleteFunctionEventInvokeConfig(b -> b.functionName("fn").qualifier("1"));
        assertThat(lambda.listFunctionEventInvokeConfigs(b -> b.functionName("fn")).functionEventInvokeConfigs())
                .hasSize(1);

        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn").maximumRetryAttempts(3)))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("between 0 and 2");
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn")
                .maximumEventAgeInSeconds(59))).isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("between 60 and 21600");
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn")
                .destinationConfig(d -> d.onSuccess(s -> s.destination("arn:aws:sns:us-east-1:000000000000:t")))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("built-in queues");
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(ARN + "nobody")))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(ARN + "fn")))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("function itself");
        deployRecording(lambda, "other", work, 0);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("other")
                .destinationConfig(d -> d.onFailure(f -> f.destination(ARN + "fn"))));
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(ARN + "other")))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("loop");
        assertThatThrownBy(() -> lambda.putFunctionEventInvokeConfig(b -> b.functionName("fn").qualifier("7")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.updateFunctionConfiguration(b -> b.functionName("fn")
                .deadLetterConfig(d -> d.targetArn("arn:aws:sns:us-east-1:000000000000:t"))))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("DeadLetterConfig");

        // Configurations are durable, and go with their function.
        start(AsyncInvocations.Limits.defaults());
        assertThat(lambda.getFunctionEventInvokeConfig(b -> b.functionName("fn")).maximumEventAgeInSeconds())
                .isEqualTo(300);
        lambda.deleteFunction(b -> b.functionName("fn"));
        deployRecording(lambda, "fn", work, 0);
        assertThatThrownBy(() -> lambda.getFunctionEventInvokeConfig(b -> b.functionName("fn")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void badEventInvocationsAreRefusedWithLambdasErrors() {
        lambda.createFunction(b -> b.functionName("echo").runtime(Runtime.PROVIDED_AL2023).handler("h")
                .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.ECHO)))));
        assertThatThrownBy(() -> invokeAsync("nobody", "{}")).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("echo").qualifier("nope")
                .invocationType(InvocationType.EVENT))).isInstanceOf(ResourceNotFoundException.class);
        String big = "{\"pad\":\"" + "x".repeat(1_048_576) + "\"}";
        assertThatThrownBy(() -> invokeAsync("echo", big)).isInstanceOf(RequestTooLargeException.class);
        assertThatThrownBy(() -> invokeAsync("echo", "{not json"))
                .hasMessageContaining("Could not parse request body into json");
    }

    @Test
    void aFullBacklogRefusesEventsWith429() throws Exception {
        start(new AsyncInvocations.Limits(3, 5, 1));
        for (String name : List.of("a", "b")) {
            deployRecording(lambda, name, work, 0);
            lambda.putFunctionConcurrency(b -> b.functionName(name).reservedConcurrentExecutions(0));
        }
        for (int i = 0; i < 3; i++) {
            invokeAsync("a", "{}");
        }
        assertThatThrownBy(() -> invokeAsync("a", "{}")).isInstanceOf(TooManyRequestsException.class)
                .hasMessageContaining("asynchronous backlog of a holds 3 events")
                .satisfies(e -> assertThat(((TooManyRequestsException) e).reasonAsString())
                        .isEqualTo(AsyncInvocations.BACKLOG_FULL));
        invokeAsync("b", "{}");
        invokeAsync("b", "{}");
        assertThatThrownBy(() -> invokeAsync("b", "{}")).isInstanceOf(TooManyRequestsException.class)
                .hasMessageContaining("holds 5 events of all functions");
        JsonNode stats = AsyncFunctions.get(ember.endpoint(), "/ember/v1/functions/a/async");
        assertThat(stats.path("Backlog").asInt()).isEqualTo(3);
        assertThat(stats.path("BacklogLimit").asInt()).isEqualTo(3);
        assertThat(stats.path("TotalBacklog").asInt()).isEqualTo(5);

        // Deleting a function drops its events and makes room.
        lambda.deleteFunction(b -> b.functionName("a"));
        invokeAsync("b", "{}");
    }

    private JsonNode post(String path, String body) throws Exception {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(ember.endpoint().resolve(path))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return parse(response.body());
        }
    }
}
