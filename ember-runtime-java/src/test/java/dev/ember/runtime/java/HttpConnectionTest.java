package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The runtime's HTTP client against a server whose every byte the test decides. */
@Timeout(30) // a wrong retry would wait forever on a connection nobody accepts
class HttpConnectionTest {

    private ScriptedServer server;
    private HttpConnection connection;

    @AfterEach
    void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendsHostHeaderAndContentLength() throws Exception {
        server = new ScriptedServer(List.of(socket -> {
            ScriptedServer.Request request = server.read(socket);
            server.write(socket, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
            server.requests.add(request);
        }));
        connection = HttpConnection.to(server.address());

        HttpConnection.Response response = connection.post("/p", "hello".getBytes(StandardCharsets.UTF_8),
                "Lambda-Runtime-Function-Error-Type", "java.lang.Error");

        assertThat(response.status()).isEqualTo(202);
        ScriptedServer.Request request = server.takeRequest();
        assertThat(request.head()).startsWith("POST /p HTTP/1.1\r\n")
                .contains("\r\nHost: " + server.address() + "\r\n")
                .contains("\r\nContent-Length: 5\r\n")
                .contains("\r\nLambda-Runtime-Function-Error-Type: java.lang.Error\r\n");
        assertThat(request.body()).isEqualTo("hello");
    }

    @Test
    void readsChunkedBodyWithExtensionsAndTrailersAndKeepsTheConnection() throws Exception {
        server = new ScriptedServer(List.of(socket -> {
            server.requests.add(server.read(socket));
            server.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;name=value\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: ignored\r\n\r\n");
            server.requests.add(server.read(socket));
            server.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend");
        }));
        connection = HttpConnection.to(server.address());

        assertThat(connection.get("/first").bodyText()).isEqualTo("Wikipedia");
        assertThat(connection.get("/second").bodyText()).isEqualTo("end");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void reconnectsOnceWhenTheServerClosedTheKeptAliveConnection() throws Exception {
        server = new ScriptedServer(List.of(
                socket -> {
                    server.requests.add(server.read(socket));
                    server.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    // and close without a word, as an idle keep-alive timeout does
                },
                socket -> {
                    server.requests.add(server.read(socket));
                    server.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
                }));
        connection = HttpConnection.to(server.address());

        assertThat(connection.get("/a").bodyText()).isEqualTo("ok");
        assertThat(connection.get("/b").bodyText()).isEqualTo("again");

        assertThat(server.takeRequest().head()).startsWith("GET /a ");
        assertThat(server.takeRequest().head()).startsWith("GET /b ");
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void doesNotRetryWhenTheResponseWasCutOff() throws Exception {
        server = new ScriptedServer(List.of(socket -> {
            server.requests.add(server.read(socket));
            server.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        }));
        connection = HttpConnection.to(server.address());

        assertThatThrownBy(() -> connection.get("/cut")).isInstanceOf(EOFException.class)
                .hasMessageContaining("expected 10 body bytes");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void bodyWithoutLengthRunsToTheEndOfTheConnection() throws Exception {
        server = new ScriptedServer(List.of(socket -> {
            server.requests.add(server.read(socket));
            server.write(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
        }));
        connection = HttpConnection.to(server.address());

        assertThat(connection.get("/").bodyText()).isEqualTo("all of it");
    }

    @Test
    void skipsInterimResponsesAndReadsHeadersCaseInsensitively() throws Exception {
        server = new ScriptedServer(List.of(socket -> {
            server.requests.add(server.read(socket));
            server.write(socket, "HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id: r-1\r\nContent-Length: 2\r\n\r\n{}");
        }));
        connection = HttpConnection.to(server.address());

        HttpConnection.Response response = connection.get("/next");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Lambda-Runtime-Aws-Request-Id")).isEqualTo("r-1");
        assertThat(response.bodyText()).isEqualTo("{}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: -5\r\n\r\n", "Transfer-Encoding: chunked\r\n\r\n-1\r\n"})
    void negativeLengthIsAMalformedResponseNotACrash(String rest) throws Exception {
        // readNBytes(-n) throws IllegalArgumentException, which would escape the runtime's IOException handling.
        server = new ScriptedServer(List.of(socket -> {
            server.requests.add(server.read(socket));
            server.write(socket, "HTTP/1.1 200 OK\r\n" + rest);
        }));
        connection = HttpConnection.to(server.address());

        assertThatThrownBy(() -> connection.get("/next")).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed");
    }

    @Test
    void rejectsAnAddressWithoutPort() {
        assertThatThrownBy(() -> HttpConnection.to("localhost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected host:port");
    }

    /** Accepts connections one after another and runs the next script on each, then closes it. */
    static final class ScriptedServer implements AutoCloseable {

        interface Script {
            void run(Socket socket) throws IOException;
        }

        record Request(String head, String body) {
        }

        final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        private final ServerSocket serverSocket;
        private final Thread thread;
        private volatile int connections;

        ScriptedServer(List<Script> scripts) throws IOException {
            serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = Thread.ofPlatform().daemon().name("scripted-server").start(() -> {
                for (Script script : scripts) {
                    try (Socket socket = serverSocket.accept()) {
                        connections++;
                        script.run(socket);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String address() {
            return "127.0.0.1:" + serverSocket.getLocalPort();
        }

        int connections() {
            return connections;
        }

        Request takeRequest() throws InterruptedException {
            Request request = requests.poll(FakeRuntimeApi.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(request).as("a request reached the server").isNotNull();
            return request;
        }

        Request read(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("client closed");
                }
                head.write(b);
            }
            String headText = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : headText.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new Request(headText, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        void write(Socket socket, String response) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(response.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            serverSocket.close();
            try {
                thread.join(FakeRuntimeApi.TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
