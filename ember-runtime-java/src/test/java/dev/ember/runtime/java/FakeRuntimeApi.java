package dev.ember.runtime.java;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform's side of the Runtime API, small enough to trust in a test: hands out queued events on
 * {@code GET /next} and records every response, error and init error the runtime posts.
 */
final class FakeRuntimeApi implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String BASE = "/2018-06-01/runtime";

    /** An event to hand out; {@code headers} are added to the {@code GET /next} response. */
    record Event(String requestId, byte[] body, Map<String, String> headers) {
    }

    /** A POST the runtime made; header names are lower case. */
    record Posted(String requestId, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final boolean chunked;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<Posted> responses = new LinkedBlockingQueue<>();
    private final BlockingQueue<Posted> errors = new LinkedBlockingQueue<>();
    private final BlockingQueue<Posted> initErrors = new LinkedBlockingQueue<>();
    private final AtomicInteger nextRequests = new AtomicInteger();

    private FakeRuntimeApi(boolean chunked) throws IOException {
        this.chunked = chunked;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(BASE + "/invocation/next", this::next);
        server.createContext(BASE + "/invocation/", this::invocationResult);
        server.createContext(BASE + "/init/error", exchange -> record(exchange, null, initErrors));
        server.setExecutor(executor);
        server.start();
    }

    /** A server answering with {@code Content-Length} bodies. */
    static FakeRuntimeApi start() throws IOException {
        return new FakeRuntimeApi(false);
    }

    /** A server answering every request with a {@code Transfer-Encoding: chunked} body. */
    static FakeRuntimeApi startChunked() throws IOException {
        return new FakeRuntimeApi(true);
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event with a fresh request id and a deadline a minute away; returns the request id. */
    String invoke(String json) {
        String requestId = UUID.randomUUID().toString();
        long deadline = System.currentTimeMillis() + 60_000;
        enqueue(new Event(requestId, json.getBytes(StandardCharsets.UTF_8), Map.of(
                "Lambda-Runtime-Deadline-Ms", Long.toString(deadline),
                "Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:fixture")));
        return requestId;
    }

    void enqueue(Event event) {
        events.add(event);
    }

    /** The next posted response, or {@code null} if none arrives within {@link #TIMEOUT}. */
    Posted pollResponse() throws InterruptedException {
        return responses.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next posted invocation error, or {@code null} if none arrives within {@link #TIMEOUT}. */
    Posted pollError() throws InterruptedException {
        return errors.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next posted init error, or {@code null} if none arrives within {@link #TIMEOUT}. */
    Posted pollInitError() throws InterruptedException {
        return initErrors.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many times the runtime has asked for work. */
    int nextRequests() {
        return nextRequests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow(); // releases GET /next handlers still waiting for an event
    }

    private void next(HttpExchange exchange) throws IOException {
        try (exchange) {
            nextRequests.incrementAndGet();
            Event event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", event.requestId());
            event.headers().forEach(exchange.getResponseHeaders()::add);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            send(exchange, 200, event.body());
        }
    }

    private void invocationResult(HttpExchange exchange) throws IOException {
        // /2018-06-01/runtime/invocation/{id}/response or /error
        List<String> segments = List.of(exchange.getRequestURI().getPath().split("/"));
        String requestId = segments.get(segments.size() - 2);
        switch (segments.getLast()) {
            case "response" -> record(exchange, requestId, responses);
            case "error" -> record(exchange, requestId, errors);
            default -> {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        }
    }

    private void record(HttpExchange exchange, String requestId, BlockingQueue<Posted> into) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            into.add(new Posted(requestId, headers, body));
            send(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (chunked) {
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                // several writes, so the body really arrives as several chunks
                int chunk = Math.max(7, body.length / 5);
                for (int i = 0; i < body.length; i += chunk) {
                    out.write(body, i, Math.min(chunk, body.length - i));
                    out.flush();
                }
            }
        } else {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
