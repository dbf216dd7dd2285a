package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the Lambda HTTP API on 127.0.0.1: answers each {@code METHOD target} as the test scripted it and
 * records every request. A request nobody scripted gets a {@code ServiceException}, which fails the command.
 */
final class FakeLambda implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived; {@code target} is the raw path and query. */
    record Request(String method, String target, Headers headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return headers.getFirst(name);
        }

        String line() {
            return method + ' ' + target;
        }
    }

    /** Writes the whole answer to a request. */
    @FunctionalInterface
    interface Answer {
        void write(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeLambda() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeLambda start() {
        try {
            return new FakeLambda();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code method target} with a status and a JSON body (none when {@code json} is null). */
    FakeLambda on(String method, String target, int status, String json) {
        return on(method, target, exchange -> reply(exchange, status, json));
    }

    /** Answers {@code method target} with a Lambda error: status, {@code X-Amzn-ErrorType}, {Type, Message}. */
    FakeLambda onError(String method, String target, int status, String errorType, String message) {
        return on(method, target, exchange -> {
            exchange.getResponseHeaders().add("X-Amzn-ErrorType", errorType);
            reply(exchange, status, JSON.createObjectNode().put("Type", "User").put("Message", message).toString());
        });
    }

    FakeLambda on(String method, String target, Answer answer) {
        answers.put(method + ' ' + target, answer);
        return this;
    }

    static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        if (json != null) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A FunctionConfiguration as Lambda returns it, for {@code version} ({@code $LATEST} or a number). */
    static ObjectNode configuration(String name, String version) {
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:" + name;
        return JSON.createObjectNode()
                .put("FunctionName", name)
                .put("FunctionArn", "$LATEST".equals(version) ? arn : arn + ':' + version)
                .put("Runtime", "provided.al2023")
                .put("Role", "arn:aws:iam::000000000000:role/ember-default")
                .put("Handler", "bootstrap")
                .put("CodeSize", 1234)
                .put("CodeSha256", "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=")
                .put("Description", "")
                .put("Timeout", 3)
                .put("MemorySize", 128)
                .put("LastModified", "2025-06-01T11:00:00.000+0000")
                .put("Version", version)
                .put("RevisionId", "8f1d3c2e-rev")
                .put("State", "Active")
                .put("LastUpdateStatus", "Successful")
                .put("PackageType", "Zip");
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** {@code METHOD target} of each request, in order. */
    List<String> requestLines() {
        return requests.stream().map(Request::line).toList();
    }

    /** The one request to {@code method target}. */
    Request request(String method, String target) {
        List<Request> matching = requests.stream()
                .filter(request -> request.method().equals(method) && request.target().equals(target))
                .toList();
        assertThat(matching).as("requests %s %s among %s", method, target, requestLines()).hasSize(1);
        return matching.getFirst();
    }

    private void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        byte[] body = exchange.getRequestBody().readAllBytes();
        var request = new Request(exchange.getRequestMethod(), target, exchange.getRequestHeaders(), body);
        requests.add(request);
        Answer answer = answers.get(request.line());
        try {
            if (answer == null) {
                exchange.getResponseHeaders().add("X-Amzn-ErrorType", "ServiceException");
                reply(exchange, 500, JSON.createObjectNode().put("Type", "Service")
                        .put("Message", "FakeLambda has no answer for " + request.line()).toString());
            } else {
                answer.write(exchange);
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
