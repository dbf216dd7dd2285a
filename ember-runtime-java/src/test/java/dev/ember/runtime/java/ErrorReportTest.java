package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The hand-written error JSON is valid JSON in AWS's shape, whatever the messages contain. */
class ErrorReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void escapesEverythingJsonRequires() throws Exception {
        String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 unicode \u00e9\u4e2d";

        JsonNode json = JSON.readTree(ErrorReport.of("Custom.Type", nasty).toJson());

        assertThat(json.get("errorMessage").asText()).isEqualTo(nasty);
        assertThat(json.get("errorType").asText()).isEqualTo("Custom.Type");
        assertThat(json.get("stackTrace").isArray()).isTrue();
        assertThat(json.get("stackTrace")).isEmpty();
    }

    @Test
    void framesUpToTheRuntimeAreKept() throws Exception {
        IllegalStateException failure = new IllegalStateException("x");
        failure.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("example.Handler", "handleRequest", "Handler.java", 12),
            new StackTraceElement("example.Handler", "nativeCall", null, -2),
            new StackTraceElement("jdk.internal.reflect.DirectMethodHandleAccessor", "invoke", null, -1),
            new StackTraceElement("dev.ember.runtime.java.MethodFunction", "handle", "MethodFunction.java", 99),
            new StackTraceElement("dev.ember.runtime.java.RuntimeMain", "main", "RuntimeMain.java", 40),
        });

        JsonNode json = JSON.readTree(ErrorReport.of(failure).toJson());

        assertThat(json.get("stackTrace")).extracting(JsonNode::asText).containsExactly(
                "example.Handler.handleRequest(Handler.java:12)",
                "example.Handler.nativeCall(Native Method)");
    }

    @Test
    void causeCycleEnds() throws Exception {
        RuntimeException outer = new RuntimeException("outer");
        RuntimeException inner = new RuntimeException("inner", outer);
        outer.initCause(inner);

        JsonNode json = JSON.readTree(ErrorReport.of(outer).toJson());

        assertThat(json.get("cause").get("errorMessage").asText()).isEqualTo("inner");
        assertThat(json.get("cause").has("cause")).isFalse();
    }

    @Test
    void logTextStartsLikeAwsAndListsCauses() {
        ErrorReport report = ErrorReport.of(new IllegalStateException("boom", new ArithmeticException("zero")));

        assertThat(report.toLogText())
                .startsWith("boom: java.lang.IllegalStateException\njava.lang.IllegalStateException: boom\n")
                .contains("\nCaused by: java.lang.ArithmeticException: zero\n");
    }
}
