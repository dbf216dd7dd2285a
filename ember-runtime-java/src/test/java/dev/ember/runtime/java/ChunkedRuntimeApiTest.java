package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Runtime API that answers with chunked bodies (events and POST acknowledgements) is understood. */
class ChunkedRuntimeApiTest {

    @TempDir
    Path taskRoot;

    @Test
    void chunkedEventsAndAcknowledgements() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.startChunked("fixtures.EchoStreamHandler", taskRoot)) {
            String big = "x".repeat(100_000);
            for (String event : new String[] {"{\"first\":1}", big, "third"}) {
                String requestId = runtime.invoke(event);

                assertThat(runtime.awaitResponse(requestId).text()).isEqualTo("echo:" + event);
            }
        }
    }

    @Test
    void chunkedEmptyEvent() throws Exception {
        try (RuntimeUnderTest runtime = RuntimeUnderTest.startChunked("fixtures.EchoStreamHandler", taskRoot)) {
            runtime.enqueue(new FakeRuntimeApi.Event("empty", new byte[0], Map.of()));
            runtime.enqueue(new FakeRuntimeApi.Event("after", "ok".getBytes(StandardCharsets.UTF_8), Map.of()));

            assertThat(runtime.awaitResponse("empty").text()).isEqualTo("echo:");
            assertThat(runtime.awaitResponse("after").text()).isEqualTo("echo:ok");
        }
    }
}
