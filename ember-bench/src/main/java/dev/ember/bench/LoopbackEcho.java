package dev.ember.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;

/**
 * The benchmarks' baseline: a raw HTTP echo on loopback (JDK {@code HttpServer} on virtual threads), what an
 * invocation round trip is compared against in the same run with the same client.
 */
public final class LoopbackEcho implements AutoCloseable {
    private final HttpServer server;

    private LoopbackEcho(HttpServer server) {
        this.server = server;
    }

    /** Starts an echo on a free port of 127.0.0.1. */
    public static LoopbackEcho start() throws IOException {
        HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        echo.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        echo.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        echo.start();
        return new LoopbackEcho(echo);
    }

    /** Where to send requests. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
