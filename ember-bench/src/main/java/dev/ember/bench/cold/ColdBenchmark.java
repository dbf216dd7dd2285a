package dev.ember.bench.cold;

import dev.ember.bench.BenchFunctions;
import dev.ember.pool.EnvironmentFactory;
import dev.ember.pool.JavaAotCache;
import dev.ember.pool.StemCells;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Cold starts end to end. {@link #coldStarts()}: the first invocation of a hello world with no warm environment of
 * it (each follows a configuration update, which retires the warm one), on a sandboxing server, against a bare process
 * doing the same work once, measured in the same run. {@link #scaleUp(int)}: {@code n} concurrent requests to a
 * function with no environment; the time until all are served, and environments created per second.
 *
 * <p>Runtime {@code ric}: AWS's runtime interface client as a {@code provided.al2023} bootstrap ({@link RicFunction}),
 * with and without the JDK AOT cache its zip carries.
 */
public final class ColdBenchmark {
    private static final String FUNCTION = "cold-hello";
    private static final int SCALE_MEMORY_MB = 128;

    private final String runtime;
    private final int coldStarts;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** For {@code ric}: the function and its zip, made by {@link #coldStarts()}. */
    private RicFunction ric;
    private byte[] ricZip;

    /**
     * @param runtime    {@code java25}, {@code provided} or {@code ric}
     * @param coldStarts how many to measure per series
     */
    public ColdBenchmark(String runtime, int coldStarts) {
        if (!List.of("java25", "provided", "ric").contains(runtime)) {
            throw new IllegalArgumentException("--runtime must be java25, provided or ric, was '" + runtime + "'");
        }
        this.runtime = runtime;
        this.coldStarts = coldStarts;
    }

    /** Latencies of one series, in ms, sorted. */
    public record Series(String name, double[] sortedMs) {
        public double p50() {
            return BenchFunctions.percentile(sortedMs, 50);
        }

        public double p95() {
            return BenchFunctions.percentile(sortedMs, 95);
        }

        String json() {
            return String.format(Locale.ROOT, "\"%s\":{\"p50Ms\":%.2f,\"p95Ms\":%.2f,\"minMs\":%.2f,\"n\":%d}", name,
                    p50(), p95(), sortedMs[0], sortedMs.length);
        }
    }

    /**
     * The server's cold starts and the bare process, in the same run: sandboxed with stem cells (the default), without
     * them, for java25 also without them and with the runtime's AOT cache only (not the function's own) or none;
     * plain processes with stem cells. For ric see {@link #ricColdStarts()}.
     */
    public List<Series> coldStarts() throws Exception {
        if (runtime.equals("ric")) {
            return ricColdStarts();
        }
        List<Series> series = new ArrayList<>();
        // First, while this JVM's own JIT is still warming up: a disadvantage, if any, for the series without.
        System.setProperty(StemCells.DISABLED_PROPERTY, "true");
        try {
            if (runtime.equals("java25")) {
                series.add(sandboxedWith(JavaAotCache.DISABLED_PROPERTY, "emberWithoutStemCellsOrAotCache"));
                series.add(sandboxedWith(JavaAotCache.FUNCTIONS_DISABLED_PROPERTY,
                        "emberWithoutStemCellsRuntimeAotCacheOnly"));
            }
            series.add(new Series("emberWithoutStemCells", coldStarts(true)));
        } finally {
            System.clearProperty(StemCells.DISABLED_PROPERTY);
        }
        series.add(new Series("ember", coldStarts(true)));
        series.add(new Series("emberUnsandboxed", coldStarts(false)));
        series.add(new Series(runtime.equals("java25") ? "bareJava" : "bareBash", bare()));
        return series;
    }

    /** The sandboxed series {@code name}, on a server started with the system property {@code property} true. */
    private Series sandboxedWith(String property, String name) throws Exception {
        System.setProperty(property, "true");
        try {
            return new Series(name, coldStarts(true));
        } finally {
            System.clearProperty(property);
        }
    }

    /**
     * AWS's runtime interface client, in the same run: sandboxed without stem cells and with them (the default), each
     * without and with the AOT cache in the zip; and bare, as a plain process (without the cache, which is only valid
     * at {@code /var/task}) and in a bubblewrap view with the code at {@code /var/task} (with it).
     */
    private List<Series> ricColdStarts() throws Exception {
        ric = RicFunction.build(BenchFunctions.MEMORY_MB);
        try {
            ricZip = ric.zip();
            List<Series> series = new ArrayList<>();
            System.setProperty(StemCells.DISABLED_PROPERTY, "true");
            try {
                // Not measured: the first series of a run came out tens of ms slower than the same series later
                // (this JVM's own JIT still warming up, serving and timing the invocations). Then, within each pair,
                // the one with the cache first: what is left of that, if anything, is against it.
                coldStarts(true, RicFunction.AOT_VARIABLES, 10);
                series.add(new Series("emberAotCacheWithoutStemCells",
                        coldStarts(true, RicFunction.AOT_VARIABLES, coldStarts)));
                series.add(new Series("emberWithoutStemCells", coldStarts(true, Map.of(), coldStarts)));
            } finally {
                System.clearProperty(StemCells.DISABLED_PROPERTY);
            }
            series.add(new Series("emberAotCache", coldStarts(true, RicFunction.AOT_VARIABLES, coldStarts)));
            series.add(new Series("ember", coldStarts(true, Map.of(), coldStarts)));
            series.add(new Series("bare", bareRic(ric::bare)));
            series.add(new Series("bareAotCache", bareRic(api -> ric.bareAtTaskRoot(api,
                    RicFunction.AOT_VARIABLES))));
            return series;
        } finally {
            ric.delete();
        }
    }

    /**
     * Cold starts on a server that sandboxes environments or starts plain processes, in ms, sorted. A runtime
     * started with the server's AOT cache, for java25, unless {@link JavaAotCache#DISABLED_PROPERTY} is set.
     */
    public double[] coldStarts(boolean sandbox) throws Exception {
        return coldStarts(sandbox, Map.of(), coldStarts);
    }

    /**
     * @param variables the function's environment; for ric, with {@link RicFunction#AOT_VARIABLES} its first warm-up
     *                  cold start also logs the JVM's use of the cache ({@code -Xlog:aot}), checked at the end
     * @param count     cold starts measured, after 5 that are not
     */
    private double[] coldStarts(boolean sandbox, Map<String, String> variables, int count) throws Exception {
        Path dataDir = Files.createTempDirectory("ember-bench-cold");
        try (EmberServer server = EmberServer.start(ServerOptions.defaults().withPort(0).withDataDir(dataDir)
                .withSandbox(sandbox))) {
            URI endpoint = server.endpoint();
            deploy(endpoint, FUNCTION, BenchFunctions.MEMORY_MB, variables);
            URI invoke = endpoint.resolve("/2015-03-31/functions/" + FUNCTION + "/invocations");
            URI configuration = endpoint.resolve("/2015-03-31/functions/" + FUNCTION + "/configuration");
            boolean checkAotCache = variables.equals(RicFunction.AOT_VARIABLES);
            int warmUp = 5;
            double[] latencies = new double[count];
            for (int i = -warmUp; i < count; i++) {
                if (i == 0) {
                    awaitAotCache(dataDir);
                    awaitFunctionAotCache(endpoint);
                }
                String environment = "";
                if (checkAotCache) {
                    Map<String, String> env = new TreeMap<>(variables);
                    if (i == -warmUp) {
                        env.put("JAVA_TOOL_OPTIONS", "-Xlog:aot");
                    }
                    environment = ",\"Environment\":" + BenchFunctions.environment(env);
                }
                send(HttpRequest.newBuilder(configuration).PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"Description\":\"cold start " + i + "\"" + environment + "}")).build());
                LockSupport.parkNanos(20_000_000); // lets the retired environment's teardown finish first
                awaitStemCell(endpoint);
                long started = System.nanoTime();
                send(HttpRequest.newBuilder(invoke).POST(HttpRequest.BodyPublishers.ofString("{}")).build());
                if (i >= 0) {
                    latencies[i] = (System.nanoTime() - started) / 1e6;
                }
            }
            if (checkAotCache) {
                checkAotCacheMapped(endpoint);
            }
            Arrays.sort(latencies);
            return latencies;
        } finally {
            BenchFunctions.deleteTree(dataDir);
        }
    }

    /**
     * The function's log shows that the JVM of the cold start with {@code -Xlog:aot} mapped the cache, with its
     * classes loaded and linked ahead of time. (The measured ones run with {@code -XX:AOTMode=on}: a cache the JVM
     * cannot use fails them.)
     */
    private void checkAotCacheMapped(URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> log = client.send(HttpRequest.newBuilder(endpoint.resolve(
                "/ember/v1/functions/" + FUNCTION + "/logs?since=0")).build(), HttpResponse.BodyHandlers.ofString());
        String text = log.body();
        if (!text.contains("Opened AOT cache " + RicFunction.AOT_CACHE)
                || !text.contains("Using AOT-linked classes: true")) {
            throw new IllegalStateException("the function's log does not show the JVM using " + RicFunction.AOT_CACHE
                    + " (-Xlog:aot):\n" + text.substring(Math.max(0, text.length() - 4000)));
        }
    }

    /**
     * Bare runs of the runtime interface client: each against a Runtime API of its own with one invocation, from
     * the process's start until its response arrives (then the API fails {@code /next} and the JVM exits; the next
     * run starts once it has).
     */
    private double[] bareRic(Function<String, ProcessBuilder> runtime) throws IOException, InterruptedException {
        double[] latencies = new double[coldStarts];
        for (int i = -3; i < coldStarts; i++) {
            try (FakeRuntimeApi api = FakeRuntimeApi.start(1)) {
                ProcessBuilder builder = runtime.apply(api.address());
                long started = System.nanoTime();
                Process process = builder.start();
                try {
                    long answered = api.awaitFirstResponse(Duration.ofSeconds(30));
                    if (i >= 0) {
                        latencies[i] = (answered - started) / 1e6;
                    }
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException(String.join(" ", builder.command()) + " did not exit after "
                                + "its invocation");
                    }
                } finally {
                    process.destroyForcibly().waitFor();
                }
            }
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /**
     * With stem cells, waits until the cell that replaces the one the last cold start took has booted: cold starts
     * that come no faster than cells boot (the boot time is what {@code ./ember info} shows the policy measuring).
     */
    private void awaitStemCell(URI endpoint) throws IOException, InterruptedException {
        if (Boolean.getBoolean(StemCells.DISABLED_PROPERTY)) {
            return;
        }
        URI memory = endpoint.resolve("/ember/v1/memory");
        for (int i = 0; i < 1000; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(memory).build(),
                    HttpResponse.BodyHandlers.ofString());
            // The first cold start of a server finds no cell: it makes the kind's first.
            if (response.body().contains("\"StemCells\":[]") || response.body().matches(".*\"Booted\":[1-9].*")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no stem cell booted within 10 s: " + memory);
    }

    /**
     * The first Java environment starts the training of the runtime's AOT cache in the background; the measured cold
     * starts are those after it (as on any server after its first Java cold start).
     */
    private void awaitAotCache(Path dataDir) throws IOException, InterruptedException {
        if (!runtime.equals("java25") || Boolean.getBoolean(JavaAotCache.DISABLED_PROPERTY)) {
            return;
        }
        Path dir = dataDir.resolve("runtime/java/aot");
        for (int i = 0; i < 600; i++) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().startsWith("runtime-"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Java runtime's AOT cache was not trained within a minute; see " + dir
                + "/training.log");
    }

    /**
     * A Java function's own AOT cache is trained after its first cold start; the measured normal starts map it (a
     * start from a stem cell cannot: its JVM mapped the runtime's as it booted).
     */
    private void awaitFunctionAotCache(URI endpoint) throws IOException, InterruptedException {
        if (!runtime.equals("java25") || Boolean.getBoolean(JavaAotCache.DISABLED_PROPERTY)
                || Boolean.getBoolean(JavaAotCache.FUNCTIONS_DISABLED_PROPERTY)) {
            return;
        }
        URI scaling = endpoint.resolve("/ember/v1/functions/" + FUNCTION + "/scaling");
        String body = "";
        for (int i = 0; i < 1200; i++) {
            body = client.send(HttpRequest.newBuilder(scaling).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains("\"AotCache\":\"ready")) {
                return;
            }
            if (body.contains("\"AotCache\":\"failed")) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the function's AOT cache was not trained within 2 minutes: " + body);
    }

    /** The same work in a bare process: the handler run once by {@code java}, or a bash that exits. */
    private double[] bare() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (runtime.equals("java25")) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(EnvironmentFactory.javaOptions(BenchFunctions.MEMORY_MB));
            command.add("-Xshare:auto");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(BareRun.class.getName());
        } else {
            command.addAll(List.of("/bin/bash", "-c", "exit 0"));
        }
        double[] latencies = new double[coldStarts];
        for (int i = -3; i < coldStarts; i++) {
            long started = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
            if (i >= 0) {
                latencies[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /**
     * Scale-up from zero.
     *
     * @param requests     concurrent requests
     * @param servedMs     from the first request sent until every one was answered
     * @param environments environments created (cold starts)
     * @param perSecond    environments created per second of {@code servedMs}
     */
    public record ScaleUp(int requests, double servedMs, int environments, double perSecond) {
        public String json() {
            return String.format(Locale.ROOT, "{\"requests\":%d,\"servedMs\":%.1f,\"environments\":%d,"
                    + "\"environmentsPerSecond\":%.1f}", requests, servedMs, environments, perSecond);
        }
    }

    /**
     * {@code n} concurrent requests to a function with no environment, on a sandboxing server. The function has
     * {@value #SCALE_MEMORY_MB} MB, so that a hundred environments fit in this host's memory budget;
     * initialisation runs with a full core whatever the size.
     */
    public ScaleUp scaleUp(int n) throws Exception {
        Path dataDir = Files.createTempDirectory("ember-bench-scale");
        try (EmberServer server = EmberServer.start(ServerOptions.defaults().withPort(0).withDataDir(dataDir)
                .withConcurrencyLimit(Math.max(100, n)))) {
            URI endpoint = server.endpoint();
            deploy(endpoint, FUNCTION, SCALE_MEMORY_MB);
            URI invoke = endpoint.resolve("/2015-03-31/functions/" + FUNCTION + "/invocations");
            var go = new CountDownLatch(1);
            List<Future<Boolean>> answers = new ArrayList<>();
            long started;
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    answers.add(callers.submit(() -> {
                        go.await();
                        HttpResponse<String> response = client.send(HttpRequest.newBuilder(invoke)
                                .header("X-Amz-Log-Type", "Tail")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("invoke answered " + response.statusCode() + ": "
                                    + response.body());
                        }
                        String log = new String(Base64.getDecoder().decode(
                                response.headers().firstValue("X-Amz-Log-Result").orElse("")));
                        return log.contains("Init Duration");
                    }));
                }
                LockSupport.parkNanos(100_000_000); // every caller waiting at the latch
                started = System.nanoTime();
                go.countDown();
            }
            double servedMs = (System.nanoTime() - started) / 1e6;
            int environments = 0;
            for (Future<Boolean> answer : answers) {
                environments += answer.get() ? 1 : 0;
            }
            return new ScaleUp(n, servedMs, environments, environments / (servedMs / 1000));
        } finally {
            BenchFunctions.deleteTree(dataDir);
        }
    }

    private void deploy(URI endpoint, String name, int memoryMb) throws IOException, InterruptedException {
        deploy(endpoint, name, memoryMb, Map.of());
    }

    private void deploy(URI endpoint, String name, int memoryMb, Map<String, String> variables)
            throws IOException, InterruptedException {
        if (runtime.equals("ric")) {
            if (ricZip == null) {
                throw new IllegalStateException("the ric function is made by coldStarts(); scale-up does not run it");
            }
            BenchFunctions.deploy(client, endpoint, name, "provided.al2023", RicFunction.HANDLER, ricZip, memoryMb,
                    variables);
        } else if (runtime.equals("java25")) {
            BenchFunctions.deploy(client, endpoint, name, "java25", "dev.ember.bench.NoOpHandler",
                    BenchFunctions.javaNoOp(), memoryMb);
        } else {
            BenchFunctions.deploy(client, endpoint, name, "provided.al2023", "none", BenchFunctions.bashNoOp(),
                    memoryMb);
        }
    }

    private void send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || response.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /**
     * The JSON of a cold-start run; {@code emberOverBareP50} against the first bare series. For ric also what the AOT
     * cache takes off each p50 ({@code aotCacheSavesP50Ms}), and that the JVM was seen mapping it.
     */
    public String json(List<Series> series) {
        StringBuilder json = new StringBuilder("{\"benchmark\":\"cold\",\"runtime\":\"" + runtime + "\"");
        for (Series s : series) {
            json.append(',').append(s.json());
        }
        json.append(String.format(Locale.ROOT, ",\"emberOverBareP50\":%.2f", p50(series, "ember")
                / series.stream().filter(s -> s.name().startsWith("bare")).findFirst().orElseThrow().p50()));
        if (runtime.equals("ric")) {
            json.append(String.format(Locale.ROOT, ",\"aotCacheSavesP50Ms\":{\"ember\":%.2f,"
                            + "\"emberWithoutStemCells\":%.2f},\"aotCacheMapped\":true",
                    p50(series, "ember") - p50(series, "emberAotCache"),
                    p50(series, "emberWithoutStemCells") - p50(series, "emberAotCacheWithoutStemCells")));
        }
        return json.append('}').toString();
    }

    private static double p50(List<Series> series, String name) {
        return series.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().p50();
    }
}
