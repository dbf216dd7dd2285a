package dev.ember.cli;

import dev.ember.policy.trace.AzureTrace;
import dev.ember.policy.trace.TraceFunction;
import dev.ember.policy.trace.TraceGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ember trace ...}: synthetic traces in the Azure Functions 2019 format. */
@Command(name = "trace", mixinStandardHelpOptions = true, subcommands = TraceCommand.Generate.class,
        description = "Traces in the Azure Functions 2019 format.")
final class TraceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code ember trace generate}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Writes a synthetic trace with the published characteristics of Azure Functions (2019), "
                    + "or a named scenario.")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the CSV files.")
        Path out;

        @Option(names = "--apps", defaultValue = "500", paramLabel = "N", description = "Apps (default: ${DEFAULT-VALUE}).")
        int apps;

        @Option(names = "--days", defaultValue = "14", paramLabel = "D", description = "Days (default: ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--scenario", defaultValue = "azure", paramLabel = "NAME",
                description = "azure (the population), diurnal (2 concurrent by day, 200 by night), spike (an "
                        + "unannounced 100x burst). Default: ${DEFAULT-VALUE}.")
        String scenario;

        @Override
        public Integer call() throws IOException {
            if (apps < 1 || days < 1 || days > 99) {
                throw new CliException("--apps must be at least 1 and --days 1 to 99");
            }
            TraceGenerator.Scenario shape;
            try {
                shape = TraceGenerator.Scenario.valueOf(scenario.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CliException("--scenario must be azure, diurnal or spike, was '" + scenario + "'");
            }
            List<TraceFunction> trace = TraceGenerator.generate(shape, apps, days, seed);
            AzureTrace.write(out, trace, days);
            long invocations = trace.stream().mapToLong(TraceFunction::invocations).sum();
            spec.commandLine().getOut().printf("wrote %d function(s), %d invocations over %d day(s) to %s%n",
                    trace.size(), invocations, days, out);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
