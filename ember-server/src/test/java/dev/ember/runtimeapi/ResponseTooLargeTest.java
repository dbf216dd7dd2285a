package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.responseUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A response over 6291556 bytes gets 413 and {@code onResponseTooLarge}; the bytes past the limit are streamed
 * through, not held (a body of 256 MB passes here with the test JVM's ordinary heap usage).
 */
class ResponseTooLargeTest {

    private static final String TOO_LARGE = "{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes)."
            + "\",\"errorType\":\"RequestEntityTooLarge\"}";
    private static final int LIMIT = 6_291_556;

    private final RecordingListener listener = new RecordingListener();
    private final RuntimeApiServer api = RuntimeApiServer.start(listener);

    @AfterEach
    void close() {
        api.close();
    }

    private static String head(String requestId, String framing) {
        return "POST /2018-06-01/runtime/invocation/" + requestId + "/response HTTP/1.1\r\nHost: x\r\n" + framing
                + "\r\n";
    }

    private static void stream(OutputStream out, long bytes, boolean chunked) {
        byte[] block = new byte[1 << 16];
        Arrays.fill(block, (byte) 'z');
        try {
            for (long left = bytes; left > 0; left -= block.length) {
                int n = (int) Math.min(block.length, left);
                if (chunked) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block, 0, n);
                if (chunked) {
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void contentLengthOverTheLimitIsReadThroughAnd413KeepsTheConnection() {
        long size = 256L << 20;
        api.deliver(event("huge"));
        try (RawHttp raw = new RawHttp(api)) {
            raw.send(head("huge", "Content-Length: " + size + "\r\n"));
            stream(raw.output(), size, false);

            RawHttp.Response response = raw.read();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.text()).isEqualTo(TOO_LARGE);
            RecordingListener.TooLarge tooLarge = listener.take(RecordingListener.TooLarge.class);
            assertThat(tooLarge.requestId()).isEqualTo("huge");
            assertThat(tooLarge.size()).isEqualTo(size);
            assertThat(raw.send("GET /nowhere HTTP/1.1\r\n\r\n").read().status()).isEqualTo(404);
        }
    }

    @Test
    void chunkedOverTheLimitIsCountedToItsEnd() {
        long size = 64L << 20;
        api.deliver(event("chunks"));
        try (RawHttp raw = new RawHttp(api)) {
            raw.send(head("chunks", "Transfer-Encoding: chunked\r\n"));
            stream(raw.output(), size, true);

            assertThat(raw.read().status()).isEqualTo(413);
            assertThat(listener.take(RecordingListener.TooLarge.class).size()).isEqualTo(size);
        }
    }

    @Test
    void exactlyTheLimitIsAccepted() {
        api.deliver(event("edge"));
        try (RawHttp raw = new RawHttp(api)) {
            raw.send(head("edge", "Content-Length: " + LIMIT + "\r\n"));
            stream(raw.output(), LIMIT, false);

            assertThat(raw.read().status()).isEqualTo(202);
            assertThat(listener.take(RecordingListener.Response.class).body()).hasSize(LIMIT);
        }
    }

    @Test
    void oneByteOverTheLimitChunkedIsTooLarge() {
        api.deliver(event("edge+1"));
        try (RawHttp raw = new RawHttp(api)) {
            raw.send(head("edge+1", "Transfer-Encoding: chunked\r\n"));
            stream(raw.output(), LIMIT + 1, true);

            assertThat(raw.read().status()).isEqualTo(413);
            assertThat(listener.take(RecordingListener.TooLarge.class).size()).isEqualTo(LIMIT + 1);
        }
    }

    @Test
    void curlWaitingFor100ContinueGets413WithoutSendingTheBody(@TempDir Path dir) throws Exception {
        byte[] body = new byte[LIMIT + 1000];
        Files.write(dir.resolve("big"), body);
        api.deliver(event("curl-big"));

        Curl.Result posted = Curl.run(responseUrl(api, "curl-big"), "--data-binary", "@" + dir.resolve("big"),
                "-H", "Expect: 100-continue", "--expect100-timeout", "30");

        assertThat(posted.status()).isEqualTo(413);
        assertThat(posted.body()).isEqualTo(TOO_LARGE);
        assertThat(listener.take(RecordingListener.TooLarge.class).size()).isEqualTo(LIMIT + 1000);
    }

    @Test
    void theInvocationEndsWithTooLarge() {
        api.deliver(event("ended"));
        try (RawHttp raw = new RawHttp(api)) {
            raw.send(head("ended", "Content-Length: " + (LIMIT + 1) + "\r\n"));
            stream(raw.output(), LIMIT + 1, false);
            raw.read();

            RawHttp.Response error = raw.send("POST /2018-06-01/runtime/invocation/ended/error HTTP/1.1\r\n"
                    + "Content-Length: 2\r\n\r\n{}").read();

            assertThat(error.status()).isEqualTo(400);
            api.deliver(event("after"));
        }
    }
}
