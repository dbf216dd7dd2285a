package dev.ember.bench.cold;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Runtime API for AWS's runtime interface client outside Ember, on loopback: serves {@code events} invocations of
 * {@code {}}, then answers {@code /next} with a 500. The client throws that out of its {@code main}, so its JVM
 * exits in order after the last event: what makes it write an AOT cache under {@code -XX:AOTCacheOutput} (a JVM
 * killed by a signal writes none), and what ends a bare run after its one invocation.
 */
final class FakeRuntimeApi implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final int events;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger responses = new AtomicInteger();
    /** {@link System#nanoTime} when the first response arrived; failed when the runtime posted an error instead. */
    private final CompletableFuture<Long> firstResponse = new CompletableFuture<>();

    private FakeRuntimeApi(HttpServer server, int events) {
        this.server = server;
        this.events = events;
    }

    static FakeRuntimeApi start(int events) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeRuntimeApi api = new FakeRuntimeApi(server, events);
        server.createContext(PREFIX, api::handle);
        server.start();
        return api;
    }

    /** {@code host:port}, for {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many invocations the runtime answered with a response. */
    int responses() {
        return responses.get();
    }

    /**
     * Waits for the first response.
     *
     * @return {@link System#nanoTime} when it arrived
     * @throws IllegalStateException when the runtime posted an error, or nothing came within {@code timeout}
     */
    long awaitFirstResponse(Duration timeout) throws InterruptedException {
        try {
            return firstResponse.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the runtime answered no invocation within " + timeout);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals(PREFIX + "invocation/next")) {
                next(exchange);
            } else if (path.endsWith("/response")) {
                long now = System.nanoTime();
                responses.incrementAndGet();
                firstResponse.complete(now);
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                // An invocation or init error: the run is broken, say so rather than time out.
                firstResponse.completeExceptionally(new IllegalStateException("the runtime posted " + path + ": "
                        + new String(body, StandardCharsets.UTF_8)));
                reply(exchange, 202, "{\"status\":\"OK\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        int n = served.incrementAndGet();
        if (n > events) {
            reply(exchange, 500, "{\"errorMessage\":\"no more events\",\"errorType\":\"Bench.Done\"}");
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Lambda-Runtime-Aws-Request-Id", "bench-" + n);
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:bench");
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        reply(exchange, 200, "{}");
    }

    /**
     * Every answer has a {@code Content-Type}: the client's native HTTP code (aws-lambda-cpp) copies the header
     * unchecked, and an answer without one, a 500 included, crashes its JVM with a SIGSEGV instead of an exception.
     */
    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
