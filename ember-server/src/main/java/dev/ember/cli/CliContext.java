package dev.ember.cli;

import java.io.IOException;
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
 */
record CliContext(Map<String, String> environment, InstantSource clock, boolean stderrTerminal) {
    CliContext {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(clock, "clock");
    }

    /** The real process: its environment, the system clock, and whether file descriptor 2 is a terminal. */
    static CliContext system() {
        return new CliContext(System.getenv(), InstantSource.system(), stderrIsTerminal());
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
