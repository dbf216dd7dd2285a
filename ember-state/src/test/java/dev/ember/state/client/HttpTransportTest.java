package dev.ember.state.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's HTTP/1.1 framing against a scripted socket server: each accepted connection answers requests with the
 * next scripted answers, then closes when its script says so.
 */
class HttpTransportTest {
    private final ServerSocket server;
    private final BlockingQueue<List<String>> scripts = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    HttpTransportTest() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    /** The next connection answers its requests with {@code answers} in turn, then closes. */
    private void nextConnection(String... answers) {
        scripts.add(List.of(answers));
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                List<String> script = scripts.take();
                Thread.ofVirtual().start(() -> serve(socket, script));
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, List<String> answers) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (String answer : answers) {
                String request = readRequest(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Head and body (by Content-Length) of one request, or null at the end of the stream. */
    private static String readRequest(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        if (b == -1) {
            return null;
        }
        String text = head.toString(StandardCharsets.UTF_8);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private HttpTransport transport() {
        return new HttpTransport("http", "127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5), 8,
                "X-Ember-State-Token", "secret");
    }

    private static String ok(String body, String... headers) {
        return "HTTP/1.1 200 OK\r\n" + String.join("", headers) + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void sendsOneRequestWithItsHeadersAndBodyAndKeepsTheConnection() {
        nextConnection(ok("{\"version\":1}", "ETag: \"1\"\r\n"), ok("é"));
        try (HttpTransport http = transport()) {
            HttpTransport.Response first = http.send("PUT", "/p/k%2Fx", "{\"a\":\"é\"}"
                    .getBytes(StandardCharsets.UTF_8), true, "If-Match", "\"3\"");
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.etag()).isEqualTo("\"1\"");
            assertThat(first.body()).isEqualTo("{\"version\":1}");
            assertThat(http.send("GET", "/p/k", null, true).body()).isEqualTo("é");
        }
        assertThat(connections.get()).isEqualTo(1);
        assertThat(requests.get(0)).startsWith("PUT /p/k%2Fx HTTP/1.1\r\n")
                .contains("\r\nX-Ember-State-Token: secret\r\n", "\r\nIf-Match: \"3\"\r\n",
                        "\r\nContent-Length: 10\r\n", "\r\nContent-Type: application/json\r\n")
                .endsWith("\r\n\r\n{\"a\":\"é\"}");
        assertThat(requests.get(1)).startsWith("GET /p/k HTTP/1.1\r\n").doesNotContain("Content-Length");
    }

    @Test
    void readsChunkedBodiesHeadersOfAnyCaseAndSkipsInterimAnswers() {
        nextConnection("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
                + "x-ember-expires-at: 99\r\netag: \"4\"\r\n\r\n3;ext=1\r\n{\"a\r\n5\r\n\":1}\n\r\n0\r\nTrailer: x\r\n\r\n",
                "HTTP/1.1 204 No Content\r\n\r\n");
        try (HttpTransport http = transport()) {
            HttpTransport.Response response = http.send("GET", "/", null, true);
            assertThat(response.body()).isEqualTo("{\"a\":1}\n");
            assertThat(response.expiresAt()).isEqualTo("99");
            assertThat(response.etag()).isEqualTo("\"4\"");
            assertThat(http.send("DELETE", "/", null, true).status()).isEqualTo(204);
        }
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void connectionCloseAndBodiesToTheEndOfTheStreamOpenANewConnectionNextTime() {
        nextConnection("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}");
        nextConnection("HTTP/1.0 200 OK\r\n\r\n[1]");
        nextConnection(ok("3"));
        try (HttpTransport http = transport()) {
            assertThat(http.send("GET", "/", null, true).body()).isEqualTo("{}");
            assertThat(http.send("GET", "/", null, true).body()).isEqualTo("[1]");
            assertThat(http.send("GET", "/", null, true).body()).isEqualTo("3");
        }
        assertThat(connections.get()).isEqualTo(3);
    }

    @Test
    void anIdempotentRequestOnAConnectionTheServerClosedIsSentAgainOnANewOne() {
        nextConnection(ok("1")); // then closes: the kept connection is dead
        nextConnection(ok("2"));
        try (HttpTransport http = transport()) {
            assertThat(http.send("GET", "/", null, true).body()).isEqualTo("1");
            assertThat(http.send("GET", "/", null, true).body()).isEqualTo("2");
        }
        assertThat(requests).hasSize(2);
    }

    @Test
    void aWriteThatMustNotBeSentTwiceFailsSayingItMayNotHaveBeenApplied() {
        nextConnection(ok("1"));
        try (HttpTransport http = transport()) {
            http.send("GET", "/", null, true);
            assertThatThrownBy(() -> http.send("POST", "/increment", "{}".getBytes(StandardCharsets.UTF_8), false))
                    .isInstanceOf(StateUnavailableException.class)
                    .hasMessageContaining("POST /increment failed")
                    .hasMessageEndingWith("it may or may not have been applied")
                    .satisfies(e -> assertThat(((StateException) e).status()).isZero());
        }
        assertThat(requests).hasSize(1);
    }

    @Test
    void nothingListeningIsUnavailable() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (var http = new HttpTransport("http", "127.0.0.1", port, Duration.ofSeconds(1), 8)) {
            assertThatThrownBy(() -> http.send("GET", "/x", null, true))
                    .isInstanceOf(StateUnavailableException.class)
                    .hasMessageStartingWith("state API at http://127.0.0.1:" + port + ": GET /x failed: ");
        }
    }

    @Test
    void manyThreadsShareAtMostTheirNumberOfConnections() throws Exception {
        for (int c = 0; c < 8; c++) {
            nextConnection(java.util.Collections.nCopies(800, ok("{}")).toArray(String[]::new)); // any one may serve all
        }
        try (HttpTransport http = transport(); var threads = java.util.concurrent.Executors
                .newFixedThreadPool(16)) {
            var done = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < 16; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        assertThat(http.send("GET", "/", null, true).body()).isEqualTo("{}");
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
        }
        assertThat(requests).hasSize(800);
        assertThat(connections.get()).isLessThanOrEqualTo(8);
    }
}
