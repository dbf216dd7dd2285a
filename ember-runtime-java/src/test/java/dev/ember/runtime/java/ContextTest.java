package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Context a handler sees carries the environment's and the invocation's values. */
class ContextTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:lambda:eu-west-1:123456789012:function:fixture:live";
    private static final String TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    @TempDir
    Path taskRoot;

    @Test
    void contextCarriesInvocationAndFunctionValues() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.ContextReporter", taskRoot)) {
            long deadline = System.currentTimeMillis() + 45_000;
            runtime.enqueue(new FakeRuntimeApi.Event("req-ctx-1", "{}".getBytes(StandardCharsets.UTF_8), Map.of(
                    "Lambda-Runtime-Deadline-Ms", Long.toString(deadline),
                    "Lambda-Runtime-Invoked-Function-Arn", ARN,
                    "Lambda-Runtime-Trace-Id", TRACE)));

            JsonNode seen = JSON.readTree(runtime.awaitResponse("req-ctx-1").body());

            assertThat(seen.get("requestId").asText()).isEqualTo("req-ctx-1");
            assertThat(seen.get("functionName").asText()).isEqualTo("fixture");
            assertThat(seen.get("functionVersion").asText()).isEqualTo("$LATEST");
            assertThat(seen.get("invokedFunctionArn").asText()).isEqualTo(ARN);
            assertThat(seen.get("memoryLimitInMB").asInt()).isEqualTo(256);
            assertThat(seen.get("logGroupName").asText()).isEqualTo("/aws/lambda/fixture");
            assertThat(seen.get("logStreamName").asText()).isEqualTo("2026/01/01/[$LATEST]0123456789abcdef");
            assertThat(seen.get("traceProperty").asText()).isEqualTo(TRACE);
            assertThat(seen.get("xrayTraceId").asText()).isEqualTo(TRACE);
            assertThat(seen.get("contextClassLoaderIsFunctions").asBoolean()).isTrue();
            assertThat(seen.has("identityId")).as("no identity without the header").isFalse();
            assertThat(seen.has("appTitle")).as("no client context without the header").isFalse();
        }
    }

    @Test
    void remainingTimeComesFromTheDeadlineHeader() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.ContextReporter", taskRoot)) {
            long deadline = System.currentTimeMillis() + 45_000;
            runtime.enqueue(new FakeRuntimeApi.Event("req-time", "{}".getBytes(StandardCharsets.UTF_8),
                    Map.of("Lambda-Runtime-Deadline-Ms", Long.toString(deadline))));

            JsonNode seen = JSON.readTree(runtime.awaitResponse("req-time").body());

            // The countdown itself is checked against a fixed clock in RemainingTimeTest; here only that the
            // header reaches the handler's Context (strictly decreasing readings would race the wall clock).
            int first = seen.get("firstRemaining").asInt();
            int second = seen.get("secondRemaining").asInt();
            assertThat(first).isPositive().isLessThanOrEqualTo(45_000);
            assertThat(second).isPositive().isLessThanOrEqualTo(first);
        }
    }

    @Test
    void loggerWritesWholeLinesToStdout() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.ContextReporter", taskRoot)) {
            String requestId = runtime.invoke("{}");
            runtime.awaitResponse(requestId);

            assertThat(runtime.awaitStdoutLine(line -> line.contains("log line from")))
                    .isEqualTo("log line from " + requestId);
        }
    }

    @Test
    void traceHeaderPropertyIsClearedWhenAnInvocationHasNoTrace() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.ContextReporter", taskRoot)) {
            runtime.enqueue(new FakeRuntimeApi.Event("traced", "{}".getBytes(StandardCharsets.UTF_8),
                    Map.of("Lambda-Runtime-Trace-Id", TRACE)));
            assertThat(JSON.readTree(runtime.awaitResponse("traced").body()).get("traceProperty").asText())
                    .isEqualTo(TRACE);

            String untraced = runtime.invoke("{}");
            assertThat(JSON.readTree(runtime.awaitResponse(untraced).body()).has("traceProperty"))
                    .as("null map values are left out, as AWS does").isFalse();
        }
    }

    @Test
    void mobileIdentityAndClientContextAreParsedFromTheirHeaders() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.ContextReporter", taskRoot)) {
            runtime.enqueue(new FakeRuntimeApi.Event("mobile", "{}".getBytes(StandardCharsets.UTF_8), Map.of(
                    "Lambda-Runtime-Cognito-Identity",
                    "{\"cognitoIdentityId\":\"id-1\",\"cognitoIdentityPoolId\":\"pool-1\"}",
                    "Lambda-Runtime-Client-Context",
                    "{\"client\":{\"app_title\":\"Shop\",\"installation_id\":\"i-1\"},"
                            + "\"custom\":{\"k\":\"v\"},\"env\":{\"platform\":\"Android\"}}")));

            JsonNode seen = JSON.readTree(runtime.awaitResponse("mobile").body());

            assertThat(seen.get("identityId").asText()).isEqualTo("id-1");
            assertThat(seen.get("identityPoolId").asText()).isEqualTo("pool-1");
            assertThat(seen.get("appTitle").asText()).isEqualTo("Shop");
            assertThat(seen.get("custom")).isEqualTo(JSON.readTree("{\"k\":\"v\"}"));
            assertThat(seen.get("env")).isEqualTo(JSON.readTree("{\"platform\":\"Android\"}"));
        }
    }
}
