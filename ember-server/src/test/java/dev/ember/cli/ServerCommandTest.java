package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.async.AsyncInvocations;
import dev.ember.server.ServerOptions;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

class ServerCommandTest {
    private static ServerCommand parse(String... args) {
        var context = new CliContext(Map.of(), InstantSource.fixed(Ember.NOW), false);
        ParseResult parsed = EmberCli.commandLine(context).parseArgs(args);
        return (ServerCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void startsWithTheDefaultsWhenNothingIsGiven() {
        assertThat(parse("server").options()).isEqualTo(ServerOptions.defaults());
    }

    @Test
    void appliesEachOption() {
        ServerOptions options = parse("server", "--port", "0", "--host", "0.0.0.0", "--data-dir", "/var/lib/ember",
                "--concurrency-limit", "8", "--isolation", "none", "--policy", "hybrid", "--memory-budget", "16g",
                "--async-backlog", "500", "--async-backlog-per-function", "50")
                .options();

        assertThat(options).isEqualTo(new ServerOptions("0.0.0.0", 0, Path.of("/var/lib/ember"), 8,
                ServerOptions.defaults().keepAlive(), ServerOptions.defaults().initTimeout(),
                ServerOptions.defaults().arns(), ServerOptions.defaults().clock(), false, "hybrid", 16 * 1024,
                ServerOptions.defaults().housekeeping(), new AsyncInvocations.Limits(50, 500, 10)));
        assertThat(parse("server", "--memory-budget", "1.5g").options().memoryBudgetMb()).isEqualTo(1536);
        assertThat(parse("server", "--memory-budget", "8192m").options().memoryBudget().capacityMb()).isEqualTo(8192);
    }

    @Test
    void reportsAnOptionOutOfRangeAsAUserError() {
        assertThatThrownBy(() -> parse("server", "--concurrency-limit", "0").options())
                .isInstanceOf(CliException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> parse("server", "--port", "70000").options())
                .isInstanceOf(CliException.class).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> parse("server", "--memory-budget", "lots").options())
                .isInstanceOf(CliException.class).hasMessageContaining("--memory-budget must be a size such as 16g")
                .hasMessageContaining("'lots'");
        assertThatThrownBy(() -> parse("server", "--memory-budget", "0g").options())
                .isInstanceOf(CliException.class).hasMessageContaining("--memory-budget");
        assertThatThrownBy(() -> parse("server", "--policy", "lru").options())
                .isInstanceOf(CliException.class).hasMessageContaining("greedy-dual");
    }
}
