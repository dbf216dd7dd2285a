package dev.ember.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Runtime processes outlive a server that is killed (SIGKILL, power cut of the JVM only): each environment leaves a
 * {@code <id>.pid} file naming its process and that process's start time, and the next server on the same data
 * directory kills the ones still running. The start time tells a leftover from an unrelated process that was given
 * the same pid since.
 */
final class Orphans {
    private static final System.Logger LOG = System.getLogger(Orphans.class.getName());
    private static final String SUFFIX = ".pid";

    private Orphans() {
    }

    /** Records a started runtime process. */
    static void record(Path runDirectory, String environmentId, ProcessHandle process) {
        String startedAt = process.info().startInstant().map(Instant::toString).orElse("");
        try {
            Files.writeString(runDirectory.resolve(environmentId + SUFFIX), process.pid() + " " + startedAt,
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets a runtime process that was destroyed. */
    static void forget(Path runDirectory, String environmentId) {
        try {
            Files.deleteIfExists(runDirectory.resolve(environmentId + SUFFIX));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot remove the pid file of environment " + environmentId, e);
        }
    }

    /**
     * Kills the processes (and their children) recorded by an earlier server, then empties the run directory.
     *
     * @return how many were still running
     */
    static int reap(Path runDirectory) throws IOException {
        int killed = 0;
        try (var files = Files.list(runDirectory)) {
            for (Path file : files.toList()) {
                Optional<ProcessHandle> process = file.getFileName().toString().endsWith(SUFFIX)
                        ? leftover(file) : Optional.empty();
                if (process.isPresent()) {
                    process.get().descendants().forEach(ProcessHandle::destroyForcibly);
                    process.get().destroyForcibly();
                    killed++;
                }
                Files.deleteIfExists(file);
            }
        }
        if (killed > 0) {
            LOG.log(Level.WARNING, "Killed {0} runtime process(es) left running by an earlier server", killed);
        }
        return killed;
    }

    private static Optional<ProcessHandle> leftover(Path pidFile) throws IOException {
        String[] fields = Files.readString(pidFile, StandardCharsets.US_ASCII).trim().split(" ", 2);
        long pid;
        try {
            pid = Long.parseLong(fields[0]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String startedAt = fields.length > 1 ? fields[1] : "";
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> !startedAt.isEmpty()
                && p.info().startInstant().map(Instant::toString).orElse("").equals(startedAt));
    }
}
