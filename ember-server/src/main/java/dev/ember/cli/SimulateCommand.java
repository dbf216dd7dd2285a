package dev.ember.cli;

import dev.ember.policy.ScalingPolicy;
import dev.ember.policy.sim.SimulationResult;
import dev.ember.policy.sim.Simulator;
import dev.ember.policy.trace.AzureTrace;
import dev.ember.policy.trace.TraceFunction;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ember simulate}: replays a trace through the scaling policies the server uses, and compares them. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replays a trace (Azure Functions 2019 format) through keep-alive and pre-warm policies and "
                + "reports cold starts and wasted memory per policy.")
final class SimulateCommand implements Callable<Integer> {
    private static final List<String> POLICIES = List.of("fixed", "hybrid", "ember");

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "DIR", description = "The trace's directory.")
    Path trace;

    @Option(names = "--policy", defaultValue = "all", paramLabel = "NAME",
            description = "fixed (10 min keep-alive), hybrid (Shahrad et al. 2020), ember, or all (default).")
    String policy;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed for arrival times within a minute and execution times (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print JSON only.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<String> names = policy.equals("all") ? POLICIES : List.of(policy);
        if (!POLICIES.containsAll(names)) {
            throw new CliException("--policy must be fixed, hybrid, ember or all, was '" + policy + "'");
        }
        if (!Files.isDirectory(trace)) {
            throw new CliException("no trace directory at " + trace + " (./ember trace generate --out DIR makes one)");
        }
        List<TraceFunction> functions = AzureTrace.read(trace);
        // Wasted memory is reported relative to the fixed 10-minute baseline, so it always runs. Policies are
        // independent (each has its own state), so they run side by side.
        List<String> runs = new ArrayList<>(names);
        if (!runs.contains("fixed")) {
            runs.add("fixed");
        }
        Map<String, SimulationResult> byPolicy = new LinkedHashMap<>();
        try (var executor = Executors.newFixedThreadPool(Math.min(runs.size(),
                Runtime.getRuntime().availableProcessors()))) {
            Map<String, Future<SimulationResult>> futures = new LinkedHashMap<>();
            for (String name : runs) {
                futures.put(name, executor.submit(() -> Simulator.run(functions, ScalingPolicy.named(name), seed)));
            }
            for (var entry : futures.entrySet()) {
                byPolicy.put(entry.getKey(), entry.getValue().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        SimulationResult baseline = byPolicy.get("fixed");
        List<SimulationResult> results = names.stream().map(byPolicy::get).toList();
        PrintWriter out = spec.commandLine().getOut();
        String jsonText = "{\"trace\":\"" + trace.toString().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"functions\":" + functions.size() + ",\"results\":["
                + results.stream().map(r -> r.json(baseline.wastedGbSeconds())).collect(Collectors.joining(","))
                + "]}";
        if (!json) {
            var table = new TextTable().row("POLICY", "INVOCATIONS", "COLD", "COLD %", "APP P50 %", "APP P75 %",
                    "APP P90 %", "WASTED GB-S", "VS FIXED", "PEAK GB");
            for (SimulationResult r : results) {
                table.row(r.policy(), Long.toString(r.invocations()), Long.toString(r.coldStarts()),
                        "%.3f".formatted(r.coldStartPercent()), "%.1f".formatted(r.functionColdStartPercentile(50)),
                        "%.1f".formatted(r.functionColdStartPercentile(75)),
                        "%.1f".formatted(r.functionColdStartPercentile(90)), "%.0f".formatted(r.wastedGbSeconds()),
                        "%.2f".formatted(r.wastedGbSeconds() / baseline.wastedGbSeconds()),
                        "%.1f".formatted(r.peakMemoryMb() / 1024));
            }
            table.print(out);
            out.println();
        }
        out.println(jsonText);
        out.flush();
        return 0;
    }
}
