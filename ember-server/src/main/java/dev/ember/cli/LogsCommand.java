package dev.ember.cli;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ember logs}: Ember's log stream of a function, printed line by line as it arrives. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Prints a function's log lines.")
final class LogsCommand extends FunctionCommand {
    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they are logged (Ctrl-C stops).")
    boolean follow;

    @Option(names = "--since", paramLabel = "AGE", defaultValue = "1h", converter = Lookback.class,
            description = "Start this far back: 30s, 10m, 2h, 1d (default: ${DEFAULT-VALUE}).")
    Duration since;

    LogsCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        client.readLogs(name, context.clock().instant().minus(since), follow, line -> {
            out().println(line);
            out().flush();
        });
        return 0;
    }
}
