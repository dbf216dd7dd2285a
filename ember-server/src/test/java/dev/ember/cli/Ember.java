package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.EmberTestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code ember ...} in-process with captured stdout and stderr, a fixed clock and a chosen environment. */
final class Ember {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private Ember() {
    }

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    /** Runs against {@code lambda}, found through {@code EMBER_ENDPOINT}; stderr is not a terminal. */
    static Run against(FakeLambda lambda, String... args) {
        return run(context(lambda, false), args);
    }

    static CliContext context(FakeLambda lambda, boolean terminal) {
        return new CliContext(Map.of("EMBER_ENDPOINT", lambda.endpoint().toString()), InstantSource.fixed(NOW),
                terminal);
    }

    /** Talks to a real server through {@code EMBER_ENDPOINT}, on the system clock; stderr is not a terminal. */
    static CliContext context(EmberTestServer server) {
        return new CliContext(Map.of("EMBER_ENDPOINT", server.endpoint().toString()), InstantSource.system(), false);
    }

    /** Talks to a real server through {@code EMBER_ENDPOINT}, on {@code clock}; stderr is not a terminal. */
    static CliContext context(EmberTestServer server, InstantSource clock) {
        return new CliContext(Map.of("EMBER_ENDPOINT", server.endpoint().toString()), clock, false);
    }

    /** Runs {@code args} and asserts that they succeeded, naming the command and its stderr when they did not. */
    static Run succeeded(CliContext context, String... args) {
        Run run = run(context, args);
        assertThat(run.exitCode()).as("ember %s\n%s", String.join(" ", args), run.err()).isZero();
        return run;
    }

    static Run run(CliContext context, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        CommandLine cli = EmberCli.commandLine(context);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** A run whose output is written to {@code out} as it happens, for commands that stream. */
    static int run(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = EmberCli.commandLine(context);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }
}
