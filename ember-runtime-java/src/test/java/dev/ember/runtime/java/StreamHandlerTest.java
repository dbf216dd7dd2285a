package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stream handlers get the event's bytes untouched and answer with exactly what they write. */
class StreamHandlerTest {

    @TempDir
    Path taskRoot;

    @Test
    void requestStreamHandlerSeesRawBytes() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.EchoStreamHandler", taskRoot)) {
            String requestId = "raw-1";
            runtime.enqueue(new FakeRuntimeApi.Event(requestId, "not json \u00e9".getBytes(StandardCharsets.UTF_8),
                    Map.of()));

            assertThat(runtime.awaitResponse(requestId).text()).isEqualTo("echo:not json \u00e9");
        }
    }

    @Test
    void methodTakingStreamsAndContext() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.Methods::stream", taskRoot)) {
            String requestId = runtime.invoke("{\"a\":1}");

            assertThat(runtime.awaitResponse(requestId).text()).isEqualTo("[" + requestId + "] {\"a\":1}");
        }
    }

    @Test
    void emptyOutputIsAnEmptyResponse() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.start("fixtures.EchoStreamHandler", taskRoot)) {
            String requestId = "empty-1";
            runtime.enqueue(new FakeRuntimeApi.Event(requestId, new byte[0], Map.of()));

            assertThat(runtime.awaitResponse(requestId).text()).isEqualTo("echo:");
        }
    }
}
