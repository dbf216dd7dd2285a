package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HelpTest {
    private static final CliContext CONTEXT = new CliContext(Map.of(), InstantSource.fixed(Ember.NOW), false);

    @Test
    void listsTheCommandsAndThoseOfTheLauncher() {
        Ember.Run run = Ember.run(CONTEXT, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("server", "deploy", "ls", "info", "invoke", "logs", "publish", "alias", "rm",
                "queue", "schedule", "state")
                .containsPattern("(?m)^  test +Install what the tests need")
                .containsPattern("(?m)^  build +Build without running tests")
                .containsPattern("(?m)^  bench +Run benchmarks")
                .contains("EMBER_ENDPOINT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server", "deploy", "ls", "info", "invoke", "logs", "publish", "alias", "rm",
        "queue ls", "queue show", "queue redrive", "schedule add", "schedule ls", "schedule rm",
        "state get", "state put", "state ls", "state rm", "state incr", "state namespaces", "state grant",
        "state revoke"})
    void everyCommandHasHelpAndVersion(String command) {
        Ember.Run help = Ember.run(CONTEXT, (command + " --help").split(" "));
        Ember.Run version = Ember.run(CONTEXT, (command + " --version").split(" "));

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: ember " + command);
        if (!command.equals("server")) {
            assertThat(help.out()).contains("--endpoint=URL");
        }
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("ember ").contains("Java ");
    }

    @Test
    void printsTheUsageAndExitsWithTwoWithoutACommand() {
        Ember.Run run = Ember.run(CONTEXT);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("Usage: ember ");
    }
}
