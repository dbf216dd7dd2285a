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
        try (FakeRuntimeApi api = FakeRuntimeApi.start();
                RuntimeProcess runtime = RuntimeProcess.start(api, "fixtures.EchoStreamHandler", taskRoot)) {
            String requestId = "raw-1";
            api.enqueue(new FakeRuntimeApi.Event(requestId, "not json \u00e9".getBytes(StandardCharsets.UTF_8),
                    Map.of()));

            assertThat(api.awaitResponse(requestId).text()).isEqualTo("echo:not json \u00e9");
        }
    }

    @Test
    void methodTakingStreamsAndContext() throws Exception {
        try (FakeRuntimeApi api = FakeRuntimeApi.start();
                RuntimeProcess runtime = RuntimeProcess.start(api, "fixtures.Methods::stream", taskRoot)) {
            String requestId = api.invoke("{\"a\":1}");

            assertThat(api.awaitResponse(requestId).text()).isEqualTo("[" + requestId + "] {\"a\":1}");
        }
    }

    @Test
    void emptyOutputIsAnEmptyResponse() throws Exception {
        try (FakeRuntimeApi api = FakeRuntimeApi.start();
                RuntimeProcess runtime = RuntimeProcess.start(api, "fixtures.EchoStreamHandler", taskRoot)) {
            String requestId = "empty-1";
            api.enqueue(new FakeRuntimeApi.Event(requestId, new byte[0], Map.of()));

            assertThat(api.awaitResponse(requestId).text()).isEqualTo("echo:");
        }
    }
}
