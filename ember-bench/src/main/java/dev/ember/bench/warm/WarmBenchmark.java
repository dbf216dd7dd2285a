package dev.ember.bench.warm;

import dev.ember.bench.BenchFunctions;
import dev.ember.bench.ClosedLoop;
import dev.ember.bench.LoadResult;
import dev.ember.bench.LoopbackEcho;
import dev.ember.bench.NoOpHandler;
import dev.ember.bench.WrkLoad;
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

/**
 * The warm path, end to end: a warm no-op function (shell bootstrap and java25) invoked over HTTP on loopback at
 * several concurrencies, beside a raw loopback HTTP echo measured in the same run with the same client.
 */
public final class WarmBenchmark {
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.US_ASCII);
    /** Which load generator sends the requests. */
    public enum Client {
        /** JDK HttpClient in the benchmark's own JVM, virtual threads in a closed loop. */
        JDK,
        /** wrk, a separate C process (Debian package {@code wrk}). */
        WRK
    }

    private final List<Integer> concurrencies;
    private final Duration warmUp;
    private final Duration measure;
    private final Client load;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    public WarmBenchmark(List<Integer> concurrencies, Duration warmUp, Duration measure, Client load) {
        if (load == Client.WRK && !WrkLoad.available()) {
            throw new IllegalStateException("--client wrk needs /usr/bin/wrk (apt-get install wrk)");
        }
        this.concurrencies = List.copyOf(concurrencies);
        this.warmUp = warmUp;
        this.measure = measure;
        this.load = load;
    }

    /**
     * Runs everything; returns the results by series name: {@code baseline}, then {@code provided} and
     * {@code java25} in sandboxes, then the same functions as plain processes ({@code provided-plain},
     * {@code java25-plain}) — the difference is what the sandbox adds to a warm invocation (freeze and thaw, the
     * environment's own network namespace).
     */
    public Map<String, List<LoadResult>> run() throws Exception {
        Map<String, List<LoadResult>> results = new LinkedHashMap<>();
        results.put("baseline", baseline());
        for (boolean sandbox : new boolean[] {true, false}) {
            Path dataDir = Files.createTempDirectory("ember-bench-warm");
            int limit = concurrencies.stream().mapToInt(Integer::intValue).max().orElse(1) + 8;
            try (EmberServer server = EmberServer.start(ServerOptions.defaults().withPort(0).withDataDir(dataDir)
                    .withConcurrencyLimit(limit).withSandbox(sandbox))) {
                URI endpoint = server.endpoint();
                BenchFunctions.deploy(client, endpoint, "noop-shell", "provided.al2023", "none",
                        BenchFunctions.bashNoOp());
                BenchFunctions.deploy(client, endpoint, "noop-java", "java25", NoOpHandler.class.getName(),
                        BenchFunctions.javaNoOp());
                String suffix = sandbox ? "" : "-plain";
                results.put("provided" + suffix,
                        series(endpoint.resolve("/2015-03-31/functions/noop-shell/invocations")));
                results.put("java25" + suffix, series(endpoint.resolve("/2015-03-31/functions/noop-java/invocations")));
            }
        }
        return results;
    }

    private List<LoadResult> baseline() throws Exception {
        try (LoopbackEcho echo = LoopbackEcho.start()) {
            return series(echo.uri());
        }
    }

    private List<LoadResult> series(URI target) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofByteArray(EVENT))
                .build();
        List<LoadResult> series = new ArrayList<>();
        for (int concurrency : concurrencies) {
            prime(request, concurrency);
            series.add(load == Client.WRK
                    ? WrkLoad.run(target.toString(), "{}", concurrency, warmUp, measure)
                    : ClosedLoop.run(concurrency, warmUp, measure, () -> () -> {
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        return response.statusCode() == 200
                                && response.headers().firstValue("X-Amz-Function-Error").isEmpty();
                    }));
        }
        return series;
    }

    /**
     * Sends {@code concurrency} requests at once and waits for all: the function then has that many warm
     * environments, so cold starts stay out of the measurement.
     */
    private void prime(HttpRequest request, int concurrency) throws Exception {
        var barrier = new java.util.concurrent.CyclicBarrier(concurrency);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<HttpResponse<byte[]>>> sent = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                sent.add(executor.submit(() -> {
                    barrier.await();
                    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                }));
            }
            for (var response : sent) {
                response.get();
            }
        }
    }

}
