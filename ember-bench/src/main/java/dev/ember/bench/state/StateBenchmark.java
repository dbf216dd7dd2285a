package dev.ember.bench.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.BenchFunctions;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import dev.ember.state.client.State;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The state API measured from inside execution environments: a java25 function ({@link StateLoad}, with the
 * ember-state client in its {@code lib/}) runs each load loop in its own environment and reports what it saw.
 *
 * <p>Series: {@code baselineEcho} (a raw HTTP round trip to an echo server inside the same environment: loopback and
 * the least HTTP), {@code readsRawSocket} (a read of one key with that same least client: the server's part),
 * {@code reads} (the same read with the ember-state client, at several thread counts),
 * {@code readsJdkHttpClient} (the same GET with {@code java.net.http.HttpClient}, why the client uses plain sockets),
 * {@code writes} (unconditional puts, each committed and fsync'd before its answer: one writer, then many, where
 * group commit shares fsyncs), {@code incrementsOneEnvironment} (one counter, one writer and many) and
 * {@code increments} (8 environments of one function incrementing one counter at
 * once; the total is checked to be exact).
 */
public final class StateBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOAD = "state-load";
    private static final String COUNTER = "state-counter";
    /** Eight environments of 512 MB: half a core each in a sandbox, and room in the host's memory budget. */
    private static final int COUNTER_MEMORY_MB = 512;

    private final List<Integer> readThreads;
    private final List<Integer> writeThreads;
    private final int environments;
    private final long warmUpMs;
    private final long measureMs;
    private final boolean sandbox;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    /**
     * What one series measured.
     *
     * @param threads concurrent callers (threads in one environment, or environments)
     */
    public record Series(String name, int threads, long ops, long errors, double seconds, double p50Micros,
                         double p99Micros) {
        public double opsPerSecond() {
            return ops / seconds;
        }

        public String json() {
            return "{\"threads\":%d,\"ops\":%d,\"errors\":%d,\"opsPerSecond\":%.0f,\"p50Micros\":%.1f,\"p99Micros\":%.1f}"
                    .formatted(threads, ops, errors, opsPerSecond(), p50Micros, p99Micros);
        }
    }

    /**
     * The contended increments.
     *
     * @param expected increments the environments reported as acknowledged, warm-up included
     * @param counted  the counter's value afterwards, read over the control plane
     */
    public record Contended(Series series, long expected, long counted) {
        public boolean exact() {
            return expected == counted;
        }
    }

    /** Everything, by series name in the order run, and the contended increments. */
    public record Result(boolean sandboxed, Map<String, List<Series>> series, Contended contended) {
    }

    public StateBenchmark(List<Integer> readThreads, List<Integer> writeThreads, int environments, long warmUpMs,
                          long measureMs, boolean sandbox) {
        this.readThreads = List.copyOf(readThreads);
        this.writeThreads = List.copyOf(writeThreads);
        this.environments = environments;
        this.warmUpMs = warmUpMs;
        this.measureMs = measureMs;
        this.sandbox = sandbox;
    }

    public Result run() throws Exception {
        Path dataDir = Files.createTempDirectory("ember-bench-state");
        try (EmberServer server = EmberServer.start(ServerOptions.defaults().withPort(0).withDataDir(dataDir)
                .withSandbox(sandbox).withConcurrencyLimit(100)
                // eight JVMs starting at once on a small host can take longer than Lambda's 10 s init limit
                .withInitTimeout(java.time.Duration.ofSeconds(60)));
             State control = State.connect(server.endpoint())) {
            URI endpoint = server.endpoint();
            byte[] zip = functionZip();
            BenchFunctions.deploy(client, endpoint, LOAD, "java25", StateLoad.class.getName() + "::handleRequest",
                    zip);
            BenchFunctions.deploy(client, endpoint, COUNTER, "java25", StateLoad.class.getName()
                    + "::handleRequest", zip, COUNTER_MEMORY_MB);
            invoke(endpoint, LOAD, Map.of("mode", "ping")); // the cold start, out of every series

            Map<String, List<Series>> series = new LinkedHashMap<>();
            series.put("baselineEcho", List.of(measure(endpoint, "baselineEcho", "echo", 1)));
            List<Series> reads = new ArrayList<>();
            for (int threads : readThreads) {
                reads.add(measure(endpoint, "reads", "read", threads));
            }
            series.put("reads", reads);
            // After the client's reads, so that the server's read path is as warm for it as for them.
            series.put("readsRawSocket", List.of(measure(endpoint, "readsRawSocket", "readRawSocket", 1)));
            series.put("readsJdkHttpClient", List.of(measure(endpoint, "readsJdkHttpClient", "readJdkHttpClient", 1)));
            List<Series> writes = new ArrayList<>();
            for (int threads : writeThreads) {
                writes.add(measure(endpoint, "writes", "write", threads));
            }
            series.put("writes", writes);
            // One counter from one environment: how same-key increments fare without eight environments around.
            List<Series> increments = new ArrayList<>();
            for (int threads : List.of(1, writeThreads.getLast())) {
                increments.add(measure(endpoint, "incrementsOneEnvironment", "increment", threads));
            }
            series.put("incrementsOneEnvironment", increments);
            return new Result(sandbox, series, contended(endpoint, control));
        } finally {
            BenchFunctions.deleteTree(dataDir);
        }
    }

    private Series measure(URI endpoint, String name, String mode, int threads) throws Exception {
        JsonNode answer = invoke(endpoint, LOAD, Map.of("mode", mode, "threads", threads, "warmUpMs", warmUpMs,
                "measureMs", measureMs));
        return series(name, threads, answer);
    }

    private static Series series(String name, int threads, JsonNode answer) {
        if (answer.path("errors").asLong() > 0 && answer.path("ops").asLong() == 0) {
            throw new IllegalStateException(name + ": every request failed: " + answer.path("firstError").asText());
        }
        return new Series(name, threads, answer.path("ops").asLong(), answer.path("errors").asLong(),
                answer.path("seconds").asDouble(), answer.path("p50Micros").asDouble(),
                answer.path("p99Micros").asDouble());
    }

    /**
     * Eight (or {@code environments}) environments of one function, each made busy at once so that each is its own,
     * then all incrementing one counter from the same instant for the measured window.
     */
    private Contended contended(URI endpoint, State control) throws Exception {
        List<Future<JsonNode>> holds = new ArrayList<>();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < environments; i++) {
                holds.add(callers.submit(() -> invoke(endpoint, COUNTER, Map.of("mode", "ping", "holdMs", 3000))));
            }
        }
        for (Future<JsonNode> hold : holds) {
            hold.get();
        }
        long startAt = System.currentTimeMillis() + 1000;
        List<Future<JsonNode>> runs = new ArrayList<>();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < environments; i++) {
                runs.add(callers.submit(() -> invoke(endpoint, COUNTER, Map.of("mode", "increment", "threads", 1,
                        "warmUpMs", warmUpMs, "measureMs", measureMs, "startAtMs", startAt, "samples", true))));
            }
        }
        long ops = 0;
        long errors = 0;
        long acknowledged = 0;
        List<Long> latencies = new ArrayList<>();
        for (Future<JsonNode> run : runs) {
            JsonNode answer = run.get();
            ops += answer.path("ops").asLong();
            errors += answer.path("errors").asLong();
            acknowledged += answer.path("completed").asLong();
            answer.path("latenciesMicros").forEach(n -> latencies.add(n.asLong()));
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long counted = control.namespace(COUNTER).get("bench/counter").orElseThrow().asLong();
        // Errors are increments whose answer never came: they may have been applied, so they are not "lost".
        var series = new Series("increments", environments, ops, errors, measureMs / 1000.0,
                percentile(sorted, 50), percentile(sorted, 99));
        return new Contended(series, acknowledged, counted);
    }

    private static double percentile(long[] sorted, double p) {
        double[] values = Arrays.stream(sorted).asDoubleStream().toArray();
        return BenchFunctions.percentile(values, p);
    }

    private JsonNode invoke(URI endpoint, String function, Map<String, Object> event) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint.resolve(
                "/2015-03-31/functions/" + function + "/invocations"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(event))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || response.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new IllegalStateException(function + " " + event + " failed: " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** {@link StateLoad}'s classes and {@code lib/ember-state.jar}, what a user's function would ship. */
    static byte[] functionZip() {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (Class<?> type : List.of(StateLoad.class, StateLoad.Operation.class, StateLoad.RawHttp.class)) {
                String resource = type.getName().replace('.', '/') + ".class";
                try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
                    zip.putNextEntry(new ZipEntry(resource));
                    in.transferTo(zip);
                }
            }
            zip.putNextEntry(new ZipEntry("lib/ember-state.jar"));
            zip.write(libraryJar(State.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The jar {@code anyClass} comes from, or one made of its class directory (a build without packaging). */
    private static byte[] libraryJar(Class<?> anyClass) throws IOException {
        Path location;
        try {
            location = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (!Files.isDirectory(location)) {
            return Files.readAllBytes(location);
        }
        var bytes = new java.io.ByteArrayOutputStream();
        try (var jar = new ZipOutputStream(bytes); var files = Files.walk(location)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new ZipEntry(location.relativize(file).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(file));
            }
        }
        return bytes.toByteArray();
    }
}
