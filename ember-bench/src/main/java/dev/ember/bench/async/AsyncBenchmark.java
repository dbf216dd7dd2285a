package dev.ember.bench.async;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.async.AsyncInvocations;
import dev.ember.bench.BenchFunctions;
import dev.ember.bench.ClosedLoop;
import dev.ember.bench.LoadResult;
import dev.ember.bench.LoopbackEcho;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asynchronous invocation: how fast Event invocations are accepted (each durable, fsync'd, before its 202) and how
 * fast a backlog is delivered, beside a raw loopback HTTP echo and synchronous invocations of the same no-op function
 * measured in the same run with the same client. Environments are plain processes: this measures the queue, not
 * the sandbox ({@code ./ember bench warm} does that).
 */
public final class AsyncBenchmark {
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MEMORY_MB = 128;

    private final List<Integer> concurrencies;
    private final Duration warmUp;
    private final Duration measure;
    private final int drainEvents;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    /**
     * What a backlog's delivery took.
     *
     * @param events      events enqueued before delivery was let go
     * @param enqueueMs   how long enqueueing them took (32 callers)
     * @param deliverMs   from letting delivery go to an empty backlog
     * @param concurrency events of the function delivered at once
     */
    public record Drain(int events, double enqueueMs, double deliverMs, int concurrency) {
        public double deliveredPerSecond() {
            return events / (deliverMs / 1000);
        }
    }

    /**
     * @param series by name: {@code baseline} (the raw loopback HTTP echo), {@code sync} (RequestResponse
     *               invocations of the no-op), {@code acceptHeld} (Event invocations of a function with reserved
     *               concurrency 0: acceptance alone), {@code acceptDelivering} (Event invocations of a no-op whose
     *               events are delivered at the same time)
     * @param drain  the delivery of a backlog
     */
    public record Result(Map<String, List<LoadResult>> series, Drain drain) {
    }

    public AsyncBenchmark(List<Integer> concurrencies, Duration warmUp, Duration measure, int drainEvents) {
        this.concurrencies = List.copyOf(concurrencies);
        this.warmUp = warmUp;
        this.measure = measure;
        this.drainEvents = drainEvents;
    }

    public Result run() throws Exception {
        Map<String, List<LoadResult>> series = new LinkedHashMap<>();
        series.put("baseline", baseline());
        Path dataDir = Files.createTempDirectory("ember-bench-async");
        AsyncInvocations.Limits limits = new AsyncInvocations.Limits(10_000_000, 10_000_000,
                AsyncInvocations.Limits.defaults().runningPerFunction());
        try (EmberServer server = EmberServer.start(ServerOptions.defaults().withPort(0).withDataDir(dataDir)
                .withSandbox(false).withConcurrencyLimit(200).withAsyncLimits(limits))) {
            URI endpoint = server.endpoint();
            // 128 MB, not a full core: the host's memory budget must hold every environment of the run, or
            // invocations would be throttled for memory and the run would measure that.
            for (String name : List.of("noop", "held", "busy", "drained")) {
                BenchFunctions.deploy(client, endpoint, name, "provided.al2023", "none", BenchFunctions.bashNoOp(),
                        MEMORY_MB);
            }
            series.put("sync", load(invocations(endpoint, "noop"), false));
            reserve(endpoint, "held", 0);
            series.put("acceptHeld", load(invocations(endpoint, "held"), true));
            delete(endpoint, "held"); // its events go with it: no throttled retries in what follows
            series.put("acceptDelivering", load(invocations(endpoint, "busy"), true));
            delete(endpoint, "busy");
            return new Result(series, drain(endpoint, limits.runningPerFunction()));
        } finally {
            BenchFunctions.deleteTree(dataDir);
        }
    }

    private static URI invocations(URI endpoint, String function) {
        return endpoint.resolve("/2015-03-31/functions/" + function + "/invocations");
    }

    private List<LoadResult> baseline() throws Exception {
        try (LoopbackEcho echo = LoopbackEcho.start()) {
            return load(echo.uri(), false);
        }
    }

    private List<LoadResult> load(URI target, boolean event) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofByteArray(EVENT));
        if (event) {
            builder.header("X-Amz-Invocation-Type", "Event");
        }
        HttpRequest request = builder.build();
        int expected = event ? 202 : 200;
        List<LoadResult> results = new ArrayList<>();
        for (int concurrency : concurrencies) {
            results.add(ClosedLoop.run(concurrency, warmUp, measure, () -> () ->
                    client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == expected));
        }
        return results;
    }

    /**
     * Enqueues {@link #drainEvents} events while the function is held (reserved concurrency 0), then lets delivery
     * go and times it until the backlog is empty.
     */
    private Drain drain(URI endpoint, int concurrency) throws Exception {
        reserve(endpoint, "drained", 0);
        HttpRequest request = HttpRequest.newBuilder(invocations(endpoint, "drained"))
                .header("X-Amz-Invocation-Type", "Event").POST(HttpRequest.BodyPublishers.ofByteArray(EVENT)).build();
        long started = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 32; c++) {
                callers.submit(() -> {
                    while (next.getAndIncrement() < drainEvents) {
                        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 202) {
                            throw new IllegalStateException("an Event invocation was refused");
                        }
                    }
                    return null;
                });
            }
        }
        double enqueueMs = (System.nanoTime() - started) / 1e6;
        long released = System.nanoTime();
        reserve(endpoint, "drained", -1);
        while (backlog(endpoint, "drained") > 0) {
            Thread.sleep(5);
        }
        return new Drain(drainEvents, enqueueMs, (System.nanoTime() - released) / 1e6, concurrency);
    }

    /** Sets the function's reserved concurrency; a negative count removes it. */
    private void reserve(URI endpoint, String function, int count) throws Exception {
        URI uri = endpoint.resolve("/2017-10-31/functions/" + function + "/concurrency");
        HttpRequest request = count < 0 ? HttpRequest.newBuilder(uri).DELETE().build()
                : HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"ReservedConcurrentExecutions\":" + count + "}")).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("setting the concurrency of " + function + " failed: " + response.body());
        }
    }

    private void delete(URI endpoint, String function) throws Exception {
        client.send(HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions/" + function)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private int backlog(URI endpoint, String function) throws Exception {
        String body = client.send(HttpRequest.newBuilder(endpoint.resolve("/ember/v1/functions/" + function
                + "/async")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).path("Backlog").asInt();
    }
}
