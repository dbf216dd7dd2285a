package dev.ember.bench;

import dev.ember.bench.async.AsyncBenchmark;
import dev.ember.bench.timers.TimerBenchmark;
import dev.ember.bench.cold.ColdBenchmark;
import dev.ember.bench.sandbox.SandboxBenchmark;
import dev.ember.bench.state.StateBenchmark;
import dev.ember.bench.warm.WarmBenchmark;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ember bench ...}: benchmarks that print their results beside a baseline measured in the same run. */
@Command(name = "ember bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Warm.class,
        BenchCommand.Sandbox.class, BenchCommand.Cold.class, BenchCommand.Scale.class, BenchCommand.Async.class,
        BenchCommand.Timers.class, BenchCommand.StateApi.class},
        description = "Benchmarks; each compares against a baseline measured in the same run.")
public final class BenchCommand implements Runnable {

    /** Runs {@code ./ember bench ARGS}; exits with the command's status. */
    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
        java.util.logging.Logger.getLogger("io.helidon").setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** {@code ./ember bench warm}. */
    @Command(name = "warm", mixinStandardHelpOptions = true,
            description = "Warm invoke latency and throughput of a no-op function (provided and java25) at "
                    + "several concurrencies, sandboxed and as plain processes, beside a raw loopback HTTP echo.")
    static final class Warm implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON only.")
        boolean json;

        @Option(names = "--concurrency", split = ",", defaultValue = "1,2,8,32",
                description = "Concurrency levels (default: ${DEFAULT-VALUE}).")
        List<Integer> concurrency;

        @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per level.")
        double seconds;

        @Option(names = "--client", defaultValue = "jdk", description = "Load generator: jdk (HttpClient in this "
                + "JVM) or wrk (a separate process; apt-get install wrk). Default: ${DEFAULT-VALUE}.")
        String client;

        @Override
        public Integer call() throws Exception {
            var load = switch (client) {
                case "jdk" -> WarmBenchmark.Client.JDK;
                case "wrk" -> WarmBenchmark.Client.WRK;
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "--client must be jdk or wrk, was " + client);
            };
            var results = new WarmBenchmark(concurrency, Duration.ofSeconds(1),
                    Duration.ofMillis((long) (seconds * 1000)), load).run();
            String jsonText = toJson(results, client);
            if (json) {
                System.out.println(jsonText);
                return 0;
            }
            System.out.printf("%-10s %6s %12s %10s %10s %8s%n", "series", "conc", "invokes/s", "p50 µs", "p99 µs",
                    "errors");
            results.forEach((series, levels) -> levels.forEach(r -> System.out.printf(
                    "%-10s %6d %12.0f %10.0f %10.0f %8d%n", series, r.concurrency(), r.throughput(), r.p50Micros(),
                    r.p99Micros(), r.errors())));
            System.out.println();
            System.out.println(jsonText);
            return 0;
        }

        private static String toJson(Map<String, List<LoadResult>> results, String client) {
            List<LoadResult> baseline = results.get("baseline");
            String series = results.entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\":[" + e.getValue().stream().map(LoadResult::json)
                            .collect(Collectors.joining(",")) + "]")
                    .collect(Collectors.joining(","));
            String ratios = results.entrySet().stream().filter(e -> !e.getKey().equals("baseline"))
                    .map(e -> "\"" + e.getKey() + "\":{" + ratio(e.getValue(), baseline) + "}")
                    .collect(Collectors.joining(","));
            // What the sandbox adds to a warm invocation (freeze and thaw, its own network namespace, cgroups).
            String sandbox = results.keySet().stream().filter(name -> results.containsKey(name + "-plain"))
                    .map(name -> "\"" + name + "\":{" + difference(results.get(name), results.get(name + "-plain"))
                            + "}")
                    .collect(Collectors.joining(","));
            return "{\"benchmark\":\"warm\",\"client\":\"" + client + "\",\"series\":{" + series
                    + "},\"p50RatioToBaseline\":{" + ratios + "},\"sandboxAddsP50Micros\":{" + sandbox + "}}";
        }

        private static String difference(List<LoadResult> sandboxed, List<LoadResult> plain) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < sandboxed.size(); i++) {
                out.append(i > 0 ? "," : "").append('"').append(sandboxed.get(i).concurrency()).append("\":")
                        .append("%.0f".formatted(sandboxed.get(i).p50Micros() - plain.get(i).p50Micros()));
            }
            return out.toString();
        }

        static String ratio(List<LoadResult> measured, List<LoadResult> baseline) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < measured.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append('"').append(measured.get(i).concurrency()).append("\":")
                        .append("%.2f".formatted(measured.get(i).p50Micros() / baseline.get(i).p50Micros()));
            }
            return out.toString();
        }
    }

    /** {@code ./ember bench sandbox}. */
    @Command(name = "sandbox", mixinStandardHelpOptions = true,
            description = "What a sandbox adds to a cold start: first invocations of a provided no-op, sandboxed "
                    + "and as plain processes, in the same run.")
    static final class Sandbox implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON only.")
        boolean json;

        @Option(names = "--cold-starts", defaultValue = "40", description = "Cold starts per side (default: "
                + "${DEFAULT-VALUE}).")
        int coldStarts;

        @Override
        public Integer call() throws Exception {
            SandboxBenchmark.Result[] results = new SandboxBenchmark(coldStarts).run();
            String jsonText = SandboxBenchmark.json(results[0], results[1], results[2]);
            if (!json) {
                System.out.printf("%-28s %8s %8s%n", "cold start", "p50 ms", "p95 ms");
                System.out.printf("%-28s %8.2f %8.2f%n", "sandboxed", results[0].p50Ms(), results[0].p95Ms());
                if (results[1] != null) {
                    System.out.printf("%-28s %8.2f %8.2f%n", "sandboxed, rcu_expedited=1", results[1].p50Ms(),
                            results[1].p95Ms());
                }
                System.out.printf("%-28s %8.2f %8.2f%n%n", "plain process", results[2].p50Ms(), results[2].p95Ms());
            }
            System.out.println(jsonText);
            return 0;
        }
    }

    /** {@code ./ember bench cold}. */
    @Command(name = "cold", mixinStandardHelpOptions = true,
            description = "Cold starts end to end: first invocations of a hello world with no warm environment, "
                    + "sandboxed and plain, against a bare process doing the same once, in the same run. ric: AWS's "
                    + "runtime interface client as a provided.al2023 bootstrap, with and without a JDK AOT cache.")
    static final class Cold implements Callable<Integer> {
        @Option(names = "--runtime", defaultValue = "java25", description = "java25 (default), provided or ric.")
        String runtime;

        @Option(names = "--cold-starts", defaultValue = "30", description = "Cold starts per series (default: "
                + "${DEFAULT-VALUE}).")
        int coldStarts;

        @Option(names = "--json", description = "Print JSON only.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            var benchmark = new ColdBenchmark(runtime, coldStarts);
            List<ColdBenchmark.Series> series = benchmark.coldStarts();
            if (!json) {
                System.out.printf("%-32s %8s %8s%n", "cold start (" + runtime + ")", "p50 ms", "p95 ms");
                for (ColdBenchmark.Series s : series) {
                    System.out.printf("%-32s %8.2f %8.2f%n", s.name(), s.p50(), s.p95());
                }
                System.out.println();
            }
            System.out.println(benchmark.json(series));
            return 0;
        }
    }

    /** {@code ./ember bench scale}. */
    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Scale-up from zero: concurrent requests to a function with no environment; time until all "
                    + "are served and environments created per second.")
    static final class Scale implements Callable<Integer> {
        @Option(names = "--runtime", defaultValue = "provided", description = "provided (default) or java25.")
        String runtime;

        @Option(names = "--requests", defaultValue = "100", description = "Concurrent requests (default: "
                + "${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--json", description = "Print JSON only.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ColdBenchmark.ScaleUp result = new ColdBenchmark(runtime, 1).scaleUp(requests);
            if (!json) {
                System.out.printf("0 -> %d concurrent (%s): all served in %.0f ms, %d environments, %.1f/s%n%n",
                        requests, runtime, result.servedMs(), result.environments(), result.perSecond());
            }
            System.out.println("{\"benchmark\":\"scale\",\"runtime\":\"" + runtime + "\",\"result\":"
                    + result.json() + "}");
            return 0;
        }
    }

    /** {@code ./ember bench async}. */
    @Command(name = "async", mixinStandardHelpOptions = true,
            description = "Asynchronous invocation: Event acceptance (durable before the 202) at several "
                    + "concurrencies and the delivery of a backlog, beside a raw loopback HTTP echo and synchronous "
                    + "invocations of the same no-op, in the same run.")
    static final class Async implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON only.")
        boolean json;

        @Option(names = "--concurrency", split = ",", defaultValue = "1,8,32",
                description = "Concurrency levels (default: ${DEFAULT-VALUE}).")
        List<Integer> concurrency;

        @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per level.")
        double seconds;

        @Option(names = "--events", defaultValue = "5000", description = "Events in the backlog to deliver "
                + "(default: ${DEFAULT-VALUE}).")
        int events;

        @Override
        public Integer call() throws Exception {
            AsyncBenchmark.Result result = new AsyncBenchmark(concurrency, Duration.ofSeconds(1),
                    Duration.ofMillis((long) (seconds * 1000)), events).run();
            if (!json) {
                System.out.printf("%-18s %6s %12s %10s %10s %8s%n", "series", "conc", "requests/s", "p50 µs",
                        "p99 µs", "errors");
                result.series().forEach((series, levels) -> levels.forEach(r -> System.out.printf(
                        "%-18s %6d %12.0f %10.0f %10.0f %8d%n", series, r.concurrency(), r.throughput(),
                        r.p50Micros(), r.p99Micros(), r.errors())));
                AsyncBenchmark.Drain drain = result.drain();
                System.out.printf("%nbacklog of %d: enqueued in %.0f ms, delivered in %.0f ms (%.0f/s, %d at once)%n%n",
                        drain.events(), drain.enqueueMs(), drain.deliverMs(), drain.deliveredPerSecond(),
                        drain.concurrency());
            }
            String series = result.series().entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\":[" + e.getValue().stream().map(LoadResult::json)
                            .collect(Collectors.joining(",")) + "]")
                    .collect(Collectors.joining(","));
            List<LoadResult> baseline = result.series().get("baseline");
            String ratios = result.series().entrySet().stream().filter(e -> !e.getKey().equals("baseline"))
                    .map(e -> "\"" + e.getKey() + "\":{" + Warm.ratio(e.getValue(), baseline) + "}")
                    .collect(Collectors.joining(","));
            AsyncBenchmark.Drain drain = result.drain();
            System.out.println("{\"benchmark\":\"async\",\"series\":{" + series + "},\"p50RatioToBaseline\":{"
                    + ratios + "},\"drain\":{\"events\":%d,\"enqueueMs\":%.0f,\"deliverMs\":%.0f,"
                    .formatted(drain.events(), drain.enqueueMs(), drain.deliverMs())
                    + "\"deliveredPerSecond\":%.0f,\"concurrency\":%d}}".formatted(drain.deliveredPerSecond(),
                    drain.concurrency()));
            return 0;
        }
    }

    /** {@code ./ember bench timers}. */
    @Command(name = "timers", mixinStandardHelpOptions = true,
            description = "Timers never start cold: cold starts and idle memory of a function called every period, "
                    + "by a schedule (known ahead) and by Event invocations at the same times (unforeseen), under "
                    + "each policy, on a clock the benchmark moves.")
    static final class Timers implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON only.")
        boolean json;

        @Option(names = "--fires", defaultValue = "100", description = "Calls per series (default: ${DEFAULT-VALUE}).")
        int fires;

        @Option(names = "--period-minutes", defaultValue = "15",
                description = "Minutes between calls (default: ${DEFAULT-VALUE}).")
        int periodMinutes;

        @Option(names = "--policy", split = ",", defaultValue = "fixed,ember",
                description = "Scaling policies (default: ${DEFAULT-VALUE}; fixed keeps 10 minutes).")
        List<String> policies;

        @Override
        public Integer call() throws Exception {
            List<TimerBenchmark.Series> series = new TimerBenchmark(fires, Duration.ofMinutes(periodMinutes))
                    .run(policies);
            if (!json) {
                System.out.printf("%-20s %6s %11s %15s %18s %8s%n", "series", "calls", "cold starts",
                        "idle MB·min", "idle s per call", "wall s");
                series.forEach(s -> System.out.printf("%-20s %6d %11d %15.1f %18.1f %8.1f%n", s.name(), s.calls(),
                        s.coldStarts(), s.idleMbMinutes(), s.idleSecondsPerCall(), s.wallSeconds()));
                System.out.println();
            }
            System.out.println("{\"benchmark\":\"timers\",\"periodMinutes\":" + periodMinutes + ",\"series\":["
                    + series.stream().map(TimerBenchmark.Series::json).collect(Collectors.joining(",")) + "]}");
            return 0;
        }
    }

    /** {@code ./ember bench state}. */
    @Command(name = "state", mixinStandardHelpOptions = true,
            description = {"The state API from inside environments: single-key reads and writes (one writer and "
                    + "many: group commit) and increments of one counter from 8 environments at once (the total "
                    + "checked), beside raw loopback HTTP round trips from the same environment, in the same run.",
                "Each series is a closed loop run by a java25 function with the ember-state client."})
    static final class StateApi implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON only.")
        boolean json;

        @Option(names = "--read-threads", split = ",", defaultValue = "1,4",
                description = "Threads reading in one environment (default: ${DEFAULT-VALUE}).")
        List<Integer> readThreads;

        @Option(names = "--write-threads", split = ",", defaultValue = "1,4,12",
                description = "Threads writing in one environment (default: ${DEFAULT-VALUE}).")
        List<Integer> writeThreads;

        @Option(names = "--environments", defaultValue = "8",
                description = "Environments incrementing one counter at once (default: ${DEFAULT-VALUE}).")
        int environments;

        @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per series.")
        double seconds;

        @Option(names = "--plain", description = "Environments as plain processes instead of sandboxes.")
        boolean plain;

        @Override
        public Integer call() throws Exception {
            StateBenchmark.Result result = new StateBenchmark(readThreads, writeThreads, environments, 1000,
                    (long) (seconds * 1000), !plain).run();
            String text = json(result);
            if (!json) {
                System.out.printf("%-26s %7s %10s %9s %9s %7s%n", "series", "threads", "ops/s", "p50 µs", "p99 µs",
                        "errors");
                result.series().forEach((name, levels) -> levels.forEach(s -> System.out.printf(
                        "%-26s %7d %10.0f %9.1f %9.1f %7d%n", name, s.threads(), s.opsPerSecond(), s.p50Micros(),
                        s.p99Micros(), s.errors())));
                StateBenchmark.Series c = result.contended().series();
                System.out.printf("%-26s %7s %10.0f %9.1f %9.1f %7d%n", "increments", c.threads() + " envs",
                        c.opsPerSecond(), c.p50Micros(), c.p99Micros(), c.errors());
                System.out.printf("%ncontended counter: %d increments acknowledged, counter reads %d: %s%n%n",
                        result.contended().expected(), result.contended().counted(),
                        result.contended().exact() ? "exact" : "MISMATCH");
            }
            System.out.println(text);
            return result.contended().exact() ? 0 : 1;
        }

        static String json(StateBenchmark.Result result) {
            String series = result.series().entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\":[" + e.getValue().stream().map(StateBenchmark.Series::json)
                            .collect(Collectors.joining(",")) + "]")
                    .collect(Collectors.joining(","));
            double baseline = result.series().get("baselineEcho").getFirst().p50Micros();
            double raw = result.series().get("readsRawSocket").getFirst().p50Micros();
            StateBenchmark.Series firstRead = result.series().get("reads").getFirst();
            StateBenchmark.Contended contended = result.contended();
            return "{\"benchmark\":\"state\",\"sandboxed\":" + result.sandboxed() + ",\"series\":{" + series
                    + "},\"increments\":{\"environments\":" + contended.series().threads() + ",\"result\":"
                    + contended.series().json() + ",\"acknowledged\":" + contended.expected() + ",\"counted\":"
                    + contended.counted() + ",\"exact\":" + contended.exact() + "},"
                    + "\"readP50RatioToBaselineEcho\":%.2f,\"readP50RatioToRawSocketRead\":%.2f}"
                    .formatted(firstRead.p50Micros() / baseline, firstRead.p50Micros() / raw);
        }
    }
}
