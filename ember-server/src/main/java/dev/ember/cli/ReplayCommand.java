package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.policy.ScalingPolicy;
import dev.ember.policy.sim.Schedule;
import dev.ember.policy.sim.SimulationResult;
import dev.ember.policy.sim.Simulator;
import dev.ember.policy.trace.AzureTrace;
import dev.ember.policy.trace.TraceFunction;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ember replay}: drives a live server with a trace. It starts a server of its own on a free port whose clock
 * runs {@code --speedup} times faster than real time (so the policy's minutes pass in seconds), deploys a stand-in
 * function per trace function (it holds the app's memory and runs for each call's sampled duration), invokes them at
 * the trace's times over HTTP, and counts cold starts as the server reports them (an {@code Init Duration} in the
 * invocation's log). The same trace, policy and seed are then simulated, and both are reported side by side.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays a trace (Azure Functions 2019 format) against a live Ember server running on a faster "
                + "clock, and compares the cold starts and memory it measures with the simulator's.")
final class ReplayCommand implements Callable<Integer> {
    private static final long MINUTE = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INIT_DURATION = "Init Duration: ";
    /**
     * The stand-in runtime: holds the memory it is told to, sleeps for each call's duration. Bash speaking HTTP/1.1
     * to the Runtime API on one kept-alive {@code /dev/tcp} connection: it starts in a few milliseconds and forks only
     * {@code sleep} per call, because on a sped-up clock every millisecond of its own is many of the trace's.
     */
    private static final String STAND_IN = """
            #!/bin/bash
            exec 3<>"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API##*:}"
            if [ "${EMBER_REPLAY_HOLD_MB:-0}" -gt 0 ]; then
              held=$(head -c "${EMBER_REPLAY_HOLD_MB}M" /dev/zero | tr '\\0' x)
            fi
            call() {
              printf '%s %s HTTP/1.1\\r\\nHost: runtime\\r\\nContent-Length: %d\\r\\n\\r\\n%s' \\
                "$1" "$2" "${#3}" "$3" >&3
              IFS= read -r status <&3
              length=0
              while IFS= read -r line <&3; do
                line=${line%$'\\r'}
                [ -z "$line" ] && break
                case "${line,,}" in
                  content-length:*) length=${line#*:}; length=${length// /} ;;
                  lambda-runtime-aws-request-id:*) id=${line#*:}; id=${id// /} ;;
                esac
              done
              body=
              if [ "$length" -gt 0 ]; then IFS= read -r -N "$length" body <&3; fi
            }
            while true; do
              call GET /2018-06-01/runtime/invocation/next ""
              seconds=${body#*:}
              sleep "${seconds%\\}}"
              call POST "/2018-06-01/runtime/invocation/$id/response" "{}"
            done
            """;

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "DIR", description = "The trace's directory.")
    Path trace;

    @Option(names = "--speedup", defaultValue = "60", paramLabel = "X",
            description = "How many times faster than real time the trace is replayed (default: ${DEFAULT-VALUE}: "
                    + "an hour of trace in a minute).")
    double speedup;

    @Option(names = "--hours", paramLabel = "H", description = "Replay only the trace's first H hours.")
    Double hours;

    @Option(names = "--policy", defaultValue = "ember", paramLabel = "NAME",
            description = "The server's scaling policy: fixed, hybrid, greedy-dual or ember (default).")
    String policy;

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "The server's memory budget, e.g. 16g (default: the server's default).")
    String memoryBudget;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed for arrival times within a minute and execution times, as for simulate "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--isolation", defaultValue = "none", paramLabel = "MODE",
            description = "none (default: on a sped-up clock, the CPU share a sandbox gives a small function would "
                    + "stretch every call) or sandbox.")
    String isolation;

    @Option(names = "--hold-memory", description = "Make each stand-in's resident memory its app's (page-faulting "
            + "hundreds of MB lengthens every cold start, which the speedup multiplies in trace time). Without it, "
            + "an environment still counts its app's memory against the server's budget, as its MemorySize.")
    boolean holdMemory;

    @Option(names = "--json", description = "Print JSON only.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!ScalingPolicy.NAMES.contains(policy)) {
            throw new CliException("--policy must be one of " + ScalingPolicy.NAMES + ", was '" + policy + "'");
        }
        if (!(speedup >= 1 && speedup <= 10_000)) {
            throw new CliException("--speedup must be between 1 and 10000, was " + speedup);
        }
        if (!isolation.equals("none") && !isolation.equals("sandbox")) {
            throw new CliException("--isolation must be none or sandbox, was '" + isolation + "'");
        }
        if (!Files.isDirectory(trace)) {
            throw new CliException("no trace directory at " + trace + " (./ember trace generate --out DIR makes one)");
        }
        long budgetMb = memoryBudget == null ? 0 : MemorySizes.megabytes(memoryBudget, "--memory-budget");
        List<TraceFunction> all = AzureTrace.read(trace);
        int traceMinutes = all.isEmpty() ? 0 : all.getFirst().perMinute().length;
        int minutes = hours == null ? traceMinutes : (int) Math.min(traceMinutes, Math.round(hours * 60));
        if (minutes <= 0) {
            throw new CliException("--hours must leave at least a minute of the trace, was " + hours);
        }
        List<TraceFunction> functions = all.stream().map(f -> truncated(f, minutes))
                .filter(f -> f.invocations() > 0).toList();

        Path dataDir = Files.createTempDirectory("ember-replay");
        var clock = new ReplayClock(Instant.parse("2026-01-01T00:00:00Z"), speedup);
        ServerOptions options = ServerOptions.defaults().withPort(0).withDataDir(dataDir).withClock(clock)
                .withPolicy(policy).withMemoryBudgetMb(budgetMb).withSandbox(isolation.equals("sandbox"))
                .withConcurrencyLimit(10_000)
                .withHousekeeping(Duration.ofMillis(Math.max(10, Math.round(5_000 / speedup))));
        Live live;
        try (EmberServer server = EmberServer.start(options);
             var client = new ControlPlaneClient(server.endpoint())) {
            byte[] zip = standInZip(dataDir.resolve("stand-in"));
            for (int i = 0; i < functions.size(); i++) {
                deploy(client, i, functions.get(i), zip);
            }
            long overheadNanos = warmUp(client, zip);
            live = drive(client, server.endpoint(), functions, clock, minutes, overheadNanos);
        } finally {
            deleteQuietly(dataDir);
        }
        Map<TraceFunction, Long> measuredInit = new IdentityHashMap<>();
        for (int i = 0; i < functions.size(); i++) {
            if (live.initTraceMillis()[i] >= 0) {
                measuredInit.put(functions.get(i), live.initTraceMillis()[i]);
            }
        }
        long averageInit = Math.round(measuredInit.values().stream().mapToLong(Long::longValue).average().orElse(0));
        SimulationResult simulated = Simulator.run(functions, ScalingPolicy.named(policy), seed,
                budgetMb == 0 ? Double.POSITIVE_INFINITY : budgetMb,
                f -> measuredInit.getOrDefault(f, averageInit));
        report(functions.size(), minutes, live, simulated);
        return 0;
    }

    private static TraceFunction truncated(TraceFunction f, int minutes) {
        return new TraceFunction(f.owner(), f.app(), f.function(), f.trigger(),
                Arrays.copyOf(f.perMinute(), minutes), f.durationMs(), f.memoryMb());
    }

    /** A function's stand-in: its memory size the app's, rounded up to Lambda's 128 MB minimum. */
    private static int memorySize(TraceFunction function) {
        return (int) Math.min(10_240, Math.max(128, Math.ceil(function.memoryMb())));
    }

    /**
     * Runs a throwaway function a few hundred times before the trace's clock starts: a server fresh from start-up
     * compiles its hot paths meanwhile, and on a sped-up clock those milliseconds would be the trace's seconds
     * (every early call would start cold behind slow ones, and pile up). Returns the median time of a warm call that
     * does nothing: the platform's own share of every call, which the stand-ins take off their sleep so that an
     * environment is held for the sampled duration, not that plus the round trip stretched by the speedup.
     */
    private static long warmUp(ControlPlaneClient client, byte[] zip) throws InterruptedException {
        String name = "replay-warm-up";
        client.createFunction(name, new FunctionSettings("provided.al2023", "stand-in", 128, 60, Map.of(),
                "warms the server up before a replay"), zip, false, UploadProgress.none());
        byte[] payload = "{\"s\":0}".getBytes(StandardCharsets.UTF_8);
        try (ExecutorService callers = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 400; i++) {
                callers.submit(() -> client.invoke(name, null, payload, true));
            }
        }
        long[] nanos = new long[101];
        for (int i = 0; i < nanos.length; i++) {
            long started = System.nanoTime();
            client.invoke(name, null, payload, true);
            nanos[i] = System.nanoTime() - started;
        }
        client.deleteFunction(name, null);
        Arrays.sort(nanos);
        return nanos[nanos.length / 2];
    }

    private static byte[] standInZip(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path bootstrap = Files.writeString(dir.resolve("bootstrap"), STAND_IN);
        bootstrap.toFile().setExecutable(true);
        return CodeArchive.zipDirectory(dir);
    }

    private void deploy(ControlPlaneClient client, int index, TraceFunction function, byte[] zip) {
        int memory = memorySize(function);
        // What it holds stays below its limit: the interpreter needs some 30 MB of its own.
        long hold = holdMemory ? Math.max(0, Math.min(Math.round(function.memoryMb()), memory - 48L)) : 0;
        var settings = new FunctionSettings("provided.al2023", "stand-in", memory, 900,
                Map.of("EMBER_REPLAY_HOLD_MB", Long.toString(hold)), "replay of " + function.key());
        client.createFunction(name(index), settings, zip, false, UploadProgress.none());
    }

    private static String name(int index) {
        return "replay-" + index;
    }

    /** What the live server did. */
    private record Live(long[] invocations, long[] coldStarts, long[] initTraceMillis, long[] throttled, long errors,
                        double wastedGbSeconds, double peakMemoryMb, long[] coldByMinute, long[] invocationsByMinute,
                        double lateMillisP99) {
    }

    private record Call(int function, long at, long duration) {
    }

    private Live drive(ControlPlaneClient client, URI endpoint, List<TraceFunction> functions, ReplayClock clock,
                       int minutes, long overheadNanos) throws InterruptedException {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            for (Schedule.Call call : Schedule.calls(functions.get(i), seed, minutes)) {
                calls.add(new Call(i, call.atMillis(), call.durationMillis()));
            }
        }
        calls.sort(Comparator.comparingLong(Call::at));
        int n = functions.size();
        var invocations = new AtomicLongArray(n);
        var coldStarts = new AtomicLongArray(n);
        var initMicros = new AtomicLongArray(n);
        var coldByMinute = new AtomicLongArray(minutes);
        long[] invocationsByMinute = new long[minutes];
        var throttled = new AtomicLongArray(n);
        var errors = new AtomicLong();
        var firstError = new AtomicReference<String>();
        var busyMb = new AtomicLong();
        long[] late = new long[calls.size()];
        var sampler = new MemorySampler(endpoint, busyMb);

        clock.begin();
        Thread samplerThread = Thread.ofVirtual().name("replay-memory").start(() -> sampler.run(clock, minutes));
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < calls.size(); c++) {
                Call call = calls.get(c);
                long due = clock.realNanosAt(call.at());
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                late[c] = System.nanoTime() - due;
                invocationsByMinute[(int) (call.at() / MINUTE)]++;
                int memory = memorySize(functions.get(call.function()));
                double seconds = Math.max(0, call.duration() / speedup / 1000 - overheadNanos / 1e9);
                byte[] payload = ("{\"s\":" + String.format(Locale.ROOT, "%.6f", seconds) + "}")
                        .getBytes(StandardCharsets.UTF_8);
                callers.submit(() -> {
                    busyMb.addAndGet(memory);
                    try {
                        var result = client.invoke(name(call.function()), null, payload, true);
                        invocations.incrementAndGet(call.function());
                        String log = result.log().orElse("");
                        int init = log.indexOf(INIT_DURATION);
                        if (init >= 0) {
                            coldStarts.incrementAndGet(call.function());
                            initMicros.addAndGet(call.function(), Math.round(1000 * Double.parseDouble(
                                    log.substring(init + INIT_DURATION.length(), log.indexOf(" ms", init)))));
                            coldByMinute.incrementAndGet((int) (call.at() / MINUTE));
                        }
                        if (result.error().isPresent()) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, new String(result.payload(), StandardCharsets.UTF_8));
                        }
                    } catch (LambdaApiException e) {
                        invocations.incrementAndGet(call.function());
                        if (e.is("TooManyRequestsException")) {
                            throttled.incrementAndGet(call.function());
                        } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.getMessage());
                        }
                    } finally {
                        busyMb.addAndGet(-memory);
                    }
                });
            }
        }
        samplerThread.interrupt();
        samplerThread.join();
        long[] inv = new long[n];
        long[] cold = new long[n];
        long[] initTraceMillis = new long[n];
        long[] dropped = new long[n];
        for (int i = 0; i < n; i++) {
            inv[i] = invocations.get(i);
            cold[i] = coldStarts.get(i);
            dropped[i] = throttled.get(i);
            // What a cold start took on the server, in the trace's time: the simulator charges the same.
            initTraceMillis[i] = cold[i] == 0 ? -1 : Math.round(initMicros.get(i) / 1000.0 / cold[i] * speedup);
        }
        long[] coldMinutes = new long[minutes];
        for (int m = 0; m < minutes; m++) {
            coldMinutes[m] = coldByMinute.get(m);
        }
        if (firstError.get() != null) {
            spec.commandLine().getErr().println("ember: " + errors.get() + " call(s) failed; the first: "
                    + firstError.get());
        }
        Arrays.sort(late);
        double lateP99 = late.length == 0 ? 0 : late[(int) Math.min(late.length - 1, late.length * 0.99)] / 1e6;
        return new Live(inv, cold, initTraceMillis, dropped, errors.get(), sampler.wastedGbSeconds(),
                sampler.peakMb(), coldMinutes, invocationsByMinute, lateP99);
    }

    /**
     * Reads the server's memory once per trace second: what environments hold, less what the calls in flight hold,
     * is idle memory; integrated over trace time it is the wasted memory the simulator reports.
     */
    private final class MemorySampler {
        private final URI memory;
        private final AtomicLong busyMb;
        private final HttpClient http = HttpClient.newHttpClient();
        private double wastedMbMillis;
        private double peakMb;

        MemorySampler(URI endpoint, AtomicLong busyMb) {
            this.memory = endpoint.resolve("/ember/v1/memory");
            this.busyMb = busyMb;
        }

        void run(ReplayClock clock, int minutes) {
            // Once a trace second, but not more often than every 50 ms of real time: polling must not load the host.
            long step = Math.max(1_000, Math.round(50 * speedup));
            long last = clock.traceMillis();
            try {
                while (!Thread.currentThread().isInterrupted() && last < minutes * MINUTE) {
                    long next = last + step;
                    long wait = clock.realNanosAt(next) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    JsonNode body = JSON.readTree(http.send(HttpRequest.newBuilder(memory).build(),
                            HttpResponse.BodyHandlers.ofByteArray()).body());
                    long used = body.get("UsedMb").asLong();
                    peakMb = Math.max(peakMb, used);
                    long now = clock.traceMillis();
                    wastedMbMillis += Math.max(0, used - busyMb.get()) * (double) (now - last);
                    last = now;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new CliException("reading the server's memory failed: " + e.getMessage(), e);
            } finally {
                http.close();
            }
        }

        synchronized double wastedGbSeconds() {
            return wastedMbMillis / 1000 / 1024;
        }

        synchronized double peakMb() {
            return peakMb;
        }
    }

    private void report(int functionCount, int minutes, Live live, SimulationResult simulated) {
        List<SimulationResult.FunctionResult> perFunction = new ArrayList<>();
        for (int i = 0; i < live.invocations().length; i++) {
            SimulationResult.FunctionResult sim = simulated.functions().get(i);
            perFunction.add(new SimulationResult.FunctionResult(sim.app(), sim.key(), live.invocations()[i],
                    live.coldStarts()[i], live.throttled()[i], 0));
        }
        var measured = new SimulationResult(policy, perFunction, live.peakMemoryMb(), live.invocationsByMinute(),
                live.coldByMinute(), new double[0], new double[0]);
        double ratio = simulated.coldStarts() == 0 ? 0 : (double) measured.coldStarts() / simulated.coldStarts();
        String jsonText = String.format(Locale.ROOT, "{\"trace\":\"%s\",\"functions\":%d,\"minutes\":%d,"
                        + "\"speedup\":%.1f,\"policy\":\"%s\",\"live\":{\"invocations\":%d,\"coldStarts\":%d,"
                        + "\"coldStartPercent\":%.4f,\"perFunctionColdStartPercent\":{\"p50\":%.2f,\"p75\":%.2f,"
                        + "\"p90\":%.2f},\"wastedGbSeconds\":%.1f,\"peakMemoryMb\":%.0f,\"throttled\":%d,"
                        + "\"errors\":%d,\"dispatchLateMsP99\":%.2f},\"simulated\":%s,"
                        + "\"liveColdStartsOverSimulated\":%.3f}",
                trace.toString().replace("\\", "\\\\").replace("\"", "\\\""), functionCount, minutes, speedup,
                policy, measured.invocations(), measured.coldStarts(), measured.coldStartPercent(),
                measured.functionColdStartPercentile(50), measured.functionColdStartPercentile(75),
                measured.functionColdStartPercentile(90), live.wastedGbSeconds(), live.peakMemoryMb(),
                measured.dropped(), live.errors(), live.lateMillisP99(), simulated.json(simulated.wastedGbSeconds()),
                ratio);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            var table = new TextTable().row("SOURCE", "INVOCATIONS", "COLD", "COLD %", "APP P50 %", "APP P75 %",
                    "APP P90 %", "WASTED GB-S", "PEAK GB");
            row(table, "live", measured, live.wastedGbSeconds());
            row(table, "simulated", simulated, simulated.wastedGbSeconds());
            table.print(out);
            out.printf(Locale.ROOT, "%npolicy %s, %d functions, %d minutes at %.0fx: live cold starts are %.2f of the "
                    + "simulator's; %d throttled, %d errors%n%n", policy, functionCount, minutes, speedup, ratio,
                    measured.dropped(), live.errors());
        }
        out.println(jsonText);
        out.flush();
    }

    private static void row(TextTable table, String source, SimulationResult r, double wastedGbSeconds) {
        List<String> cells = new ArrayList<>(List.of(source));
        cells.addAll(SimulateCommand.coldStartCells(r, wastedGbSeconds));
        cells.add("%.1f".formatted(r.peakMemoryMb() / 1024));
        table.row(cells.toArray(String[]::new));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system cleans it eventually
        }
    }
}
