package dev.ember.invoke;

import static dev.ember.testing.EmberTestServer.zip;
import static dev.ember.testing.Bootstraps.environment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** Custom runtimes ({@code provided.al2023}): shell and Python bootstraps, and hostile ones. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvidedRuntimeInvokeTest {
    Path dataDir;
    EmberTestServer ember;
    LambdaClient lambda;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        this.dataDir = dataDir;
        ember = EmberTestServer.start(dataDir, o -> o.withInitTimeout(Duration.ofSeconds(2)));
        lambda = ember.lambda();
    }

    @AfterAll
    void stop() {
        ember.close();
    }

    private void deploy(String name, String bootstrap, int timeout) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("none")
                .timeout(timeout).code(c -> c.zipFile(zip(Map.of("bootstrap", bootstrap)))));
    }

    private InvokeResponse invoke(String name, String payload) {
        return lambda.invoke(b -> b.functionName(name).logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String(payload)));
    }

    private static String tail(InvokeResponse response) {
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }

    @Test
    void shellBootstrapAnswersAndLogsWithStartEndReport() {
        deploy("shell", Bootstraps.ECHO, 5);

        InvokeResponse cold = invoke("shell", "{\"n\":1}");
        assertThat(cold.statusCode()).isEqualTo(200);
        assertThat(cold.functionError()).isNull();
        assertThat(cold.executedVersion()).isEqualTo("$LATEST");
        assertThat(cold.payload().asUtf8String()).startsWith("{\"echo\":{\"n\":1},\"environment\":");
        String log = tail(cold);
        assertThat(log).contains("START RequestId: ").contains("Version: $LATEST").contains("handling ")
                .contains("END RequestId: ").contains("Init Duration: ");
        assertThat(log).containsPattern("REPORT RequestId: [0-9a-f-]{36}\tDuration: \\d+\\.\\d\\d ms\t"
                + "Billed Duration: \\d+ ms\tMemory Size: 128 MB\tMax Memory Used: [1-9]\\d* MB");
        assertThat(log.indexOf("handling")).isLessThan(log.indexOf("END RequestId"));

        InvokeResponse warm = invoke("shell", "{\"n\":2}");
        assertThat(tail(warm)).doesNotContain("Init Duration");
        assertThat(environment(warm)).isEqualTo(environment(cold));
    }

    @Test
    void pythonBootstrapAnswersAndReportsErrors() {
        deploy("python", Bootstraps.PYTHON, 5);

        InvokeResponse ok = invoke("python", "{\"x\":\"y\"}");
        assertThat(ok.functionError()).isNull();
        assertThat(ok.payload().asUtf8String())
                .isEqualTo("{\"python\": {\"x\": \"y\"}, \"function\": \"python\", \"hasDeadline\": true}");
        assertThat(tail(ok)).contains("python handling");

        InvokeResponse failed = invoke("python", "{\"fail\":true}");
        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(failed.functionError()).isEqualTo("Unhandled");
        assertThat(failed.payload().asUtf8String()).contains("\"errorType\": \"ValueError\"")
                .contains("python failed");
    }

    @Test
    void bootstrapThatExitsAtOnceIsAnExitError() {
        deploy("quits", "#!/bin/sh\necho bye\nexit 3\n", 5);

        InvokeResponse response = invoke("quits", "{}");
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("Runtime.ExitError").contains("exit status 3");
        assertThat(tail(response)).contains("bye");
    }

    @Test
    void bootstrapThatNeverAsksForWorkTimesOutItsInit() {
        deploy("idle", "#!/bin/sh\nexec sleep 600\n", 5);

        InvokeResponse response = invoke("idle", "{}");
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("Sandbox.Timedout");
    }

    @Test
    void bootstrapThatSleepsPastItsTimeoutIsKilled() {
        deploy("sleepy", Bootstraps.shell("sleep 30\nRESPONSE='{}'"), 1);

        long started = System.nanoTime();
        InvokeResponse response = invoke("sleepy", "{}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("\"errorType\":\"Sandbox.Timedout\"")
                .contains("Task timed out after 1.00 seconds");
        assertThat(tail(response)).contains("Task timed out after 1.00 seconds");
        // The environment was destroyed: the next call starts a new one.
        assertThat(tail(invoke("sleepy", "{}"))).contains("Init Duration");
    }

    @Test
    void crashMidInvocationIsAnExitError() {
        deploy("crash", Bootstraps.shell("echo dying\nkill -9 $$"), 5);

        InvokeResponse response = invoke("crash", "{}");
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("Runtime.ExitError").contains("signal: killed");
    }

    @Test
    void responseForAnotherRequestIdIsRejected() {
        deploy("liar", Bootstraps.shell("""
                status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"stolen":true}' \\
                  "$api/invocation/00000000-0000-0000-0000-000000000000/response")
                echo "wrong id answered $status"
                sleep 30
                RESPONSE='{}'"""), 2);

        InvokeResponse response = invoke("liar", "{}");
        assertThat(response.payload().asUtf8String()).doesNotContain("stolen").contains("Sandbox.Timedout");
        assertThat(tail(response)).contains("wrong id answered 400");
    }

    @Test
    void hundredMegabytesOfLogsDoNotHurtTheServer() throws Exception {
        deploy("chatty", Bootstraps.shell("""
                head -c 100000000 /dev/zero | tr '\\0' 'x' | fold -w 1000
                RESPONSE='{"done":true}'"""), 120);

        InvokeResponse response = invoke("chatty", "{}");
        assertThat(response.payload().asUtf8String()).isEqualTo("{\"done\":true}");
        assertThat(response.logResult()).isNotNull();
        assertThat(Base64.getDecoder().decode(response.logResult()).length).isLessThanOrEqualTo(4096);
        long logBytes;
        try (Stream<Path> files = Files.walk(dataDir.resolve("logs/chatty"))) {
            logBytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(logBytes).isLessThan(100_000_000L);
        deploy("after-chatty", Bootstraps.ECHO, 5);
        assertThat(invoke("after-chatty", "{}").functionError()).isNull();
    }

    @Test
    void missingBootstrapIsAnInvalidEntrypoint() {
        lambda.createFunction(b -> b.functionName("empty").runtime(Runtime.PROVIDED_AL2023).handler("none")
                .code(c -> c.zipFile(zip(Map.of("README", "no bootstrap here")))));

        InvokeResponse response = invoke("empty", "{}");
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("Runtime.InvalidEntrypoint");
    }

    @Test
    void responseOverSixMegabytesIsAFunctionError() {
        deploy("huge", Bootstraps.shell("""
                RESPONSE="\\"$(head -c 7000000 /dev/zero | tr '\\0' 'a')\\""
                """), 30);

        InvokeResponse response = invoke("huge", "{}");
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("Function.ResponseSizeTooLarge");
    }

    @Test
    void requestOverSixMegabytesIsRefusedBeforeRunning() {
        deploy("big-request", Bootstraps.ECHO, 5);
        String payload = "\"" + "a".repeat(6_300_000) + "\"";

        assertThatThrownBy(() -> invoke("big-request", payload))
                .isInstanceOf(RequestTooLargeException.class)
                .hasMessageContaining("6291456");
    }

    @Test
    void dryRunChecksTheFunctionWithoutRunningIt() {
        deploy("dry", Bootstraps.ECHO, 5);

        var response = lambda.invoke(b -> b.functionName("dry").invocationType(InvocationType.DRY_RUN));
        assertThat(response.statusCode()).isEqualTo(204);
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("nope").invocationType(InvocationType.DRY_RUN)))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void anEventInvocationRunsInTheEnvironmentsOfSynchronousOnes() throws Exception {
        deploy("async", Bootstraps.ECHO, 5);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("async").destinationConfig(d -> d.onSuccess(
                s -> s.destination("arn:aws:sqs:us-east-1:000000000000:echoed"))));
        String warm = environment(invoke("async", "{}"));

        InvokeResponse accepted = lambda.invoke(b -> b.functionName("async").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"a\":1}")));
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.payload().asByteArray()).isEmpty();

        var http = java.net.http.HttpClient.newHttpClient();
        var queue = java.net.http.HttpRequest.newBuilder(ember.endpoint().resolve("/ember/v1/queues/echoed")).build();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> json.readTree(http.send(queue,
                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("Messages").asInt() == 1);
        var record = json.readTree(json.readTree(http.send(queue, java.net.http.HttpResponse.BodyHandlers.ofString())
                .body()).path("MessageList").get(0).path("Body").asText());
        assertThat(record.path("responsePayload").path("echo").path("a").asInt()).isEqualTo(1);
        assertThat('"' + record.path("responsePayload").path("environment").asText() + '"').isEqualTo(warm);
    }

    @Test
    void childrenABootstrapLeavesBehindAreKilledWithIt() throws Exception {
        // The orphan's host pid is found by its unique command line: inside a sandbox, pids are the sandbox's own.
        String marker = "31" + ProcessHandle.current().pid();
        deploy("parent", "#!/bin/sh\n(sleep " + marker + " &)\nsleep 0.2\nexit 1\n", 5);

        InvokeResponse response = invoke("parent", "{}");
        assertThat(response.payload().asUtf8String()).contains("Runtime.ExitError");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").endsWith("sleep " + marker)));
    }

    @Test
    void clientContextReachesTheRuntimeDecoded() {
        deploy("context", Bootstraps.shell("""
                RESPONSE=$(grep -i '^Lambda-Runtime-Client-Context:' "$headers" | cut -d' ' -f2- | tr -d '\\r')
                """), 5);
        String context = java.util.Base64.getEncoder().encodeToString(
                "{\"custom\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8));

        InvokeResponse response = lambda.invoke(b -> b.functionName("context").clientContext(context));
        assertThat(response.payload().asUtf8String()).isEqualTo("{\"custom\":{\"k\":\"v\"}}");
        assertThat(response.responseMetadata().requestId()).isNotBlank();
    }

    @Test
    void publishingKeepsLatestWarm() {
        deploy("warm-after-publish", Bootstraps.ECHO, 5);
        String before = environment(invoke("warm-after-publish", "{}"));

        lambda.publishVersion(b -> b.functionName("warm-after-publish"));

        InvokeResponse after = invoke("warm-after-publish", "{}");
        assertThat(environment(after)).isEqualTo(before);
        assertThat(tail(after)).doesNotContain("Init Duration");
    }
}
