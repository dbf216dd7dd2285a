package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static dev.ember.runtimeapi.Events.nextUrl;
import static dev.ember.runtimeapi.Events.responseUrl;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever a runtime sends, it gets an answer or a closed connection, and the server goes on serving. */
class HostileRuntimeTest {

    private final RecordingListener listener = new RecordingListener();
    private final RuntimeApiServer api = RuntimeApiServer.start(listener);

    @AfterEach
    void close() {
        api.close();
    }

    private void assertStillServes(RuntimeApiServer server, RecordingListener recording) {
        server.deliver(event("still-serving"));
        assertThat(Curl.run(nextUrl(server)).headers()).containsEntry("lambda-runtime-aws-request-id", "still-serving");
        assertThat(Curl.run(responseUrl(server, "still-serving"), "--data-binary", "ok").status()).isEqualTo(202);
        assertThat(recording.drain()).contains(new RecordingListener.Next());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\u0000\u0001\u0002 garbage \r\n\r\n",
        "GET\r\n\r\n",
        "GET /2018-06-01/runtime/invocation/next\r\n\r\n",
        "GET  /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n",
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1 extra\r\n\r\n",
        "GET /2018-06-01/runtime/invocation/next FTP/1.1\r\n\r\n",
        "G(T /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n",
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nno colon\r\n\r\n",
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nX-A: a\u0001b\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
    })
    void malformedRequestGets400AndItsConnectionCloses(String request) {
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response response = raw.send(request).read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(response.text()).startsWith("{\"errorMessage\":\"Malformed HTTP request: ")
                    .endsWith("\",\"errorType\":\"InvalidRequest\"}");
            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(listener.drain()).isEmpty();
        assertStillServes(api, listener);
    }

    @Test
    void headSectionOver64KbGets431() {
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response response = raw.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nX-Big: "
                    + "a".repeat(70_000) + "\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(431);
            assertThat(raw.closedByServer()).isTrue();
        }
        assertStillServes(api, listener);
    }

    @Test
    void manyHeadersJustUnder64KbAreServed() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; headers.length() < 60_000; i++) {
            headers.append("X-Header-").append(i).append(": ").append("v".repeat(100)).append("\r\n");
        }
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response response = raw.send("GET /nowhere HTTP/1.1\r\n" + headers + "\r\n").read();

            assertThat(response.status()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "GET /, 404",
        "GET /2018-06-01/runtime/invocation/, 404",
        "GET /2018-06-01/runtime/invocation//response, 404",
        "GET /2018-06-01/runtime/invocation/a/b/response, 404",
        "GET /2018-06-01/runtime/invocation/next/, 404",
        "GET /2019-01-01/runtime/invocation/next, 404",
        "POST /2018-06-01/runtime/invocation/next, 405",
        "GET /2018-06-01/runtime/invocation/id/response, 405",
        "PUT /2018-06-01/runtime/init/error, 405",
        "DELETE /anything, 405",
        "HEAD /2018-06-01/runtime/invocation/next, 405",
    })
    void unknownPathsAndMethodsAreAnsweredOnAConnectionThatStaysOpen(String requestLine, int status) {
        try (RawHttp raw = new RawHttp(api)) {
            RawHttp.Response response = raw.send(requestLine + " HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").read();

            assertThat(response.status()).isEqualTo(status);
            assertThat(response.header("Content-Type")).isEqualTo("application/json");
            assertThat(response.text()).contains("\"errorType\":");
            assertThat(raw.send("GET /again HTTP/1.1\r\n\r\n").read().status()).isEqualTo(404);
        }
        assertThat(listener.drain()).isEmpty();
    }

    @Test
    void methodNotAllowedSaysWhatIs() {
        try (RawHttp raw = new RawHttp(api)) {
            assertThat(raw.send("POST /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n").read().header("Allow"))
                    .isEqualTo("GET");
            assertThat(raw.send("GET /2018-06-01/runtime/init/error HTTP/1.1\r\n\r\n").read().header("Allow"))
                    .isEqualTo("POST");
        }
    }

    @Test
    void otherHttpVersionsGet505() {
        try (RawHttp raw = new RawHttp(api)) {
            assertThat(raw.send("GET /2018-06-01/runtime/invocation/next HTTP/2.0\r\n\r\n").read().status())
                    .isEqualTo(505);
        }
    }

    @Test
    void connectionsThatDropMidRequestLeaveNoTrace() throws IOException {
        for (String partial : List.of("GET /2018-06-01/runtime/inv", "POST /2018-06-01/runtime/init/error HTTP/1.1\r\n"
                + "Content-Length: 100\r\n\r\nonly part", "POST /2018-06-01/runtime/init/error HTTP/1.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n10\r\nabc")) {
            try (SocketChannel channel = SocketChannel.open(socketAddress(api))) {
                channel.write(java.nio.ByteBuffer.wrap(partial.getBytes(ISO_8859_1)));
            }
        }
        assertStillServes(api, listener);
        assertThat(listener.drain()).noneMatch(call -> call instanceof RecordingListener.InitError);
    }

    @Test
    void aRuntimeHoardingConnectionsOnlyStallsItself() throws IOException {
        RecordingListener otherListener = new RecordingListener();
        List<SocketChannel> hoard = new ArrayList<>();
        try (RuntimeApiServer other = RuntimeApiServer.start(otherListener)) {
            // 16 served, the rest queued in the listen backlog: beyond it a connect would hang, the runtime's own loss
            for (int i = 0; i < 30; i++) {
                hoard.add(SocketChannel.open(socketAddress(api)));
            }

            assertStillServes(other, otherListener);

            for (SocketChannel channel : hoard) {
                channel.close();
            }
            assertStillServes(api, listener);
        } finally {
            for (SocketChannel channel : hoard) {
                channel.close();
            }
        }
    }

    @Test
    void aRuntimeThatNeverReadsItsEventBlocksOnlyThatConnection() {
        byte[] payload = new byte[6 << 20];
        java.util.Arrays.fill(payload, (byte) 'p');
        try (RawHttp neverReads = new RawHttp(api)) {
            neverReads.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n");
            listener.take(RecordingListener.Next.class);
            api.deliver(new RuntimeEvent("stuck", 0, Events.ARN, Events.TRACE, null, null, payload));

            Curl.Result posted = Curl.run(responseUrl(api, "stuck"), "--data-binary", "answered anyway");

            assertThat(posted.status()).isEqualTo(202);
            assertThat(listener.take(RecordingListener.Response.class).requestId()).isEqualTo("stuck");
        }
    }

    @Test
    void aFailingListenerDoesNotChangeTheAnswer() {
        RuntimeApiListener failing = new RecordingListener() {
            @Override
            public void onResponse(String requestId, byte[] body) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (RuntimeApiServer server = RuntimeApiServer.start(failing); RawHttp raw = new RawHttp(server)) {
            server.deliver(event("f"));

            RawHttp.Response response = raw.send("POST /2018-06-01/runtime/invocation/f/response HTTP/1.1\r\n"
                    + "Content-Length: 1\r\n\r\nx").read();

            assertThat(response.status()).isEqualTo(202);
            assertThat(raw.send("GET /again HTTP/1.1\r\n\r\n").read().status()).isEqualTo(404);
        }
    }

    private static InetSocketAddress socketAddress(RuntimeApiServer server) {
        int colon = server.address().lastIndexOf(':');
        return new InetSocketAddress(server.address().substring(0, colon),
                Integer.parseInt(server.address().substring(colon + 1)));
    }
}
