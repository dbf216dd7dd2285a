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
    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "DIR", description = "The trace's directory.")
    Path trace;

    @Option(names = "--policy", defaultValue = "all", paramLabel = "NAME",
            description = "fixed (10 min keep-alive), hybrid (Shahrad et al. 2020), greedy-dual (FaasCache, "
                    + "Fuerst and Sharma 2021), ember, or all (default).")
    String policy;

    @Option(names = "--memory-budget", paramLabel = "GB",
            description = "Memory all environments share, in GB (e.g. 16, 1.5 or 16g); idle environments are evicted "
                    + "to make room, by the policy's keep value, and an invocation that still does not fit is dropped. "
                    + "Default: no budget.")
    String memoryBudget;

    @Option(names = "--plot", paramLabel = "FILE.svg",
            description = "Also draw each policy's cold starts against its wasted memory, as an SVG.")
    Path plot;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed for arrival times within a minute and execution times (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print JSON only.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<String> names = policy.equals("all") ? ScalingPolicy.NAMES : List.of(policy);
        if (!ScalingPolicy.NAMES.containsAll(names)) {
            throw new CliException("--policy must be " + String.join(", ", ScalingPolicy.NAMES) + " or all, was '"
                    + policy + "'");
        }
        double budgetMb = memoryBudget == null ? Double.POSITIVE_INFINITY : MemorySizes.gigabytesAsMb(memoryBudget, "--memory-budget");
        if (!Files.isDirectory(trace)) {
            throw new CliException("no trace directory at " + trace + " (./ember trace generate --out DIR makes one)");
        }
        if (plot != null && !Files.isDirectory(plot.toAbsolutePath().getParent())) {
            throw new CliException("--plot: no directory " + plot.toAbsolutePath().getParent() + " to write "
                    + plot.getFileName() + " in");
        }
        List<TraceFunction> functions = AzureTrace.read(trace);
        // Wasted memory is reported relative to the fixed 10-minute baseline (under the same budget), so it always
        // runs. Policies are independent (each has its own state), so they run side by side.
        List<String> runs = new ArrayList<>(names);
        if (!runs.contains("fixed")) {
            runs.add("fixed");
        }
        Map<String, SimulationResult> byPolicy = new LinkedHashMap<>();
        try (var executor = Executors.newFixedThreadPool(Math.min(runs.size(),
                Runtime.getRuntime().availableProcessors()))) {
            Map<String, Future<SimulationResult>> futures = new LinkedHashMap<>();
            for (String name : runs) {
                futures.put(name, executor.submit(() -> Simulator.run(functions, ScalingPolicy.named(name), seed,
                        budgetMb)));
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
        boolean budgeted = memoryBudget != null;
        String jsonText = "{\"trace\":\"" + trace.toString().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"functions\":" + functions.size() + ",\"memoryBudgetMb\":"
                + (budgeted ? Human.decimal(budgetMb) : "null") + ",\"results\":["
                + results.stream().map(r -> r.json(baseline.wastedGbSeconds())).collect(Collectors.joining(","))
                + "]}";
        if (!json) {
            List<String> header = new ArrayList<>(List.of("POLICY", "INVOCATIONS", "COLD", "COLD %", "APP P50 %",
                    "APP P75 %", "APP P90 %", "WASTED GB-S", "VS FIXED", "PEAK GB"));
            if (budgeted) {
                header.add("DROPPED");
            }
            var table = new TextTable().row(header.toArray(String[]::new));
            for (SimulationResult r : results) {
                List<String> row = new ArrayList<>(List.of(r.policy()));
                row.addAll(coldStartCells(r, r.wastedGbSeconds()));
                row.add("%.2f".formatted(relativeWaste(r, baseline)));
                row.add("%.1f".formatted(r.peakMemoryMb() / 1024));
                if (budgeted) {
                    row.add(Long.toString(r.dropped()));
                }
                table.row(row.toArray(String[]::new));
            }
            table.print(out);
            out.println();
        }
        if (plot != null) {
            Path name = trace.toAbsolutePath().normalize().getFileName();
            String title = "Cold starts against wasted memory: " + (name == null ? trace : name) + ", "
                    + (budgeted ? "memory budget " + Human.decimal(budgetMb / 1024) + " GB" : "no memory budget");
            List<TradeOffPlot.Point> points = results.stream().map(r -> new TradeOffPlot.Point(r.policy(),
                    relativeWaste(r, baseline), r.coldStartPercent(), r.dropped())).toList();
            Files.writeString(plot, TradeOffPlot.svg(title, points));
            if (!json) {
                out.println("wrote " + plot);
                out.println();
            }
        }
        out.println(jsonText);
        out.flush();
        return 0;
    }

    /**
     * A result's cells of the tables of {@code simulate} and {@code replay}: invocations, cold starts, cold-start %,
     * per-app cold-start % at p50, p75 and p90, and {@code wastedGbSeconds}.
     */
    static List<String> coldStartCells(SimulationResult r, double wastedGbSeconds) {
        return List.of(Long.toString(r.invocations()), Long.toString(r.coldStarts()),
                "%.3f".formatted(r.coldStartPercent()), "%.1f".formatted(r.functionColdStartPercentile(50)),
                "%.1f".formatted(r.functionColdStartPercentile(75)),
                "%.1f".formatted(r.functionColdStartPercentile(90)), "%.0f".formatted(wastedGbSeconds));
    }

    private static double relativeWaste(SimulationResult result, SimulationResult baseline) {
        return baseline.wastedGbSeconds() == 0 ? 0 : result.wastedGbSeconds() / baseline.wastedGbSeconds();
    }

}
