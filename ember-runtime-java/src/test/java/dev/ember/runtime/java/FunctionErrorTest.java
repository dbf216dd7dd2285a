package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exception from the handler is posted to /invocation/{id}/error in AWS's shape; the runtime lives on. */
class FunctionErrorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path taskRoot;

    @Test
    void exceptionIsReportedWithTypeMessageAndStackTrace() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.Failing", taskRoot)) {
            String requestId = runtime.invoke("{}");

            FakeRuntimeApi.Posted error = runtime.awaitError(requestId);

            assertThat(error.headers()).containsEntry("lambda-runtime-function-error-type",
                    "java.lang.IllegalStateException");
            JsonNode body = JSON.readTree(error.body());
            assertThat(body.get("errorMessage").asText()).isEqualTo("boom");
            assertThat(body.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
            List<String> frames = texts(body.get("stackTrace"));
            assertThat(frames).first().asString().matches("fixtures\\.Failing\\.handleRequest\\(Failing\\.java:\\d+\\)");
            assertThat(frames).as("the runtime's own frames are cut off")
                    .noneMatch(frame -> frame.contains("dev.ember.runtime.java"));
            assertThat(body.has("cause")).isFalse();
        }
    }

    @Test
    void causeChainIsReportedRecursively() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.FailingWithCause", taskRoot)) {
            String requestId = runtime.invoke("{}");

            JsonNode body = JSON.readTree(runtime.awaitError(requestId).body());

            assertThat(body.get("errorType").asText()).isEqualTo("java.io.UncheckedIOException");
            assertThat(body.get("errorMessage").asText()).isEqualTo("could not start");
            JsonNode cause = body.get("cause");
            assertThat(cause.get("errorType").asText()).isEqualTo("java.io.IOException");
            assertThat(cause.get("errorMessage").asText()).isEqualTo("config.json: \"missing\"\n(second line)");
            assertThat(texts(cause.get("stackTrace"))).first().asString()
                    .startsWith("fixtures.FailingWithCause.readConfig(FailingWithCause.java:");
            JsonNode rootCause = cause.get("cause");
            assertThat(rootCause.get("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(rootCause.get("errorMessage").asText())
                    .as("a cause without message is named by its class, as AWS does")
                    .isEqualTo("java.lang.IllegalArgumentException");
            assertThat(rootCause.has("cause")).isFalse();
        }
    }

    @Test
    void checkedExceptionFromPlainMethodIsUnwrapped() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.Methods::fail", taskRoot)) {
            String requestId = runtime.invoke("\"disk full\"");

            JsonNode body = JSON.readTree(runtime.awaitError(requestId).body());

            assertThat(body.get("errorType").asText()).isEqualTo("java.io.IOException");
            assertThat(body.get("errorMessage").asText()).isEqualTo("checked failure: disk full");
            assertThat(texts(body.get("stackTrace"))).as("reflection frames leading into the method are cut")
                    .singleElement().asString().startsWith("fixtures.Methods.fail(Methods.java:");
        }
    }

    @Test
    void unreadableEventIsAnErrorLikeAwsReportsIt() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.PointHandler", taskRoot)) {
            String requestId = runtime.invoke("{not json");

            JsonNode body = JSON.readTree(runtime.awaitError(requestId).body());

            assertThat(body.get("errorType").asText()).isEqualTo("java.lang.RuntimeException");
            assertThat(body.get("errorMessage").asText()).isEqualTo("An error occurred during JSON parsing");
            assertThat(body.get("cause").get("errorType").asText()).startsWith("com.fasterxml.jackson");
        }
    }

    @Test
    void runtimeServesTheNextInvocationAfterAnError() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.Failing", taskRoot)) {
            String failing = runtime.invoke("{}");
            runtime.awaitError(failing);
            String fine = runtime.invoke("{\"ok\":true}");

            assertThat(runtime.awaitResponse(fine).text()).isEqualTo("\"fine\"");
            assertThat(runtime.awaitStdoutLine(line -> line.startsWith("boom")))
                    .as("the error is logged as AWS logs it").isEqualTo("boom: java.lang.IllegalStateException");
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
