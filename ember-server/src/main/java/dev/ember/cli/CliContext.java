package dev.ember.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * What the CLI reads from the world outside its arguments, so that tests can fix it.
 *
 * @param environment    the process environment ({@code EMBER_ENDPOINT})
 * @param clock          now, for relative times such as {@code logs --since 10m}
 * @param stderrTerminal whether stderr is a terminal; progress lines are only drawn on one
 * @param stdin          standard input, for values piped in ({@code ember state put NS KEY < value.json})
 */
record CliContext(Map<String, String> environment, InstantSource clock, boolean stderrTerminal, InputStream stdin) {
    CliContext {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(stdin, "stdin");
    }

    /** A context with nothing on standard input. */
    CliContext(Map<String, String> environment, InstantSource clock, boolean stderrTerminal) {
        this(environment, clock, stderrTerminal, InputStream.nullInputStream());
    }

    /** This context reading {@code input} as standard input. */
    CliContext withStdin(InputStream input) {
        return new CliContext(environment, clock, stderrTerminal, input);
    }

    /** The real process: its environment, the system clock, and whether file descriptor 2 is a terminal. */
    static CliContext system() {
        return new CliContext(System.getenv(), InstantSource.system(), stderrIsTerminal(), System.in);
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException noProcFs) {
            var console = System.console();
            return console != null && console.isTerminal();
        }
    }
}
