package dev.ember.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The peak resident memory of a process and its descendants, from {@code /proc}: what Max Memory Used reports when
 * an environment has no memory cgroup. The process's own peak is one {@code pread}; the descendants are walked at most
 * once a second (a walk scans all of {@code /proc}).
 */
final class ProcessTreeMemory implements AutoCloseable {
    private static final long CHILDREN_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Process process;
    private final PeakMemory own;
    private long childrenSampledAt = System.nanoTime() - CHILDREN_SAMPLE_NANOS - 1;
    private long childrenPeakKb;
    private long peakBytes;
    private boolean closed;

    ProcessTreeMemory(Process process) {
        this.process = process;
        this.own = PeakMemory.of(process.pid());
    }

    /** The peak so far, in bytes; after {@link #close()}, the last value measured. */
    synchronized long peakBytes() {
        if (closed) {
            return peakBytes;
        }
        long now = System.nanoTime();
        if (now - childrenSampledAt > CHILDREN_SAMPLE_NANOS) {
            childrenSampledAt = now;
            long kb = 0;
            for (ProcessHandle child : process.descendants().toList()) {
                kb += peakResidentKb(child.pid());
            }
            childrenPeakKb = Math.max(childrenPeakKb, kb);
        }
        long ownKb = own == null ? 0 : own.kilobytes();
        peakBytes = Math.max(peakBytes, (ownKb + childrenPeakKb) * 1024);
        return peakBytes;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (own != null) {
                own.close();
            }
        }
    }

    /** The resident memory of {@code process} and its descendants now, in bytes. */
    static long residentBytes(Process process) {
        long kb = statusKb(process.pid(), "VmRSS:");
        for (ProcessHandle child : process.descendants().toList()) {
            kb += statusKb(child.pid(), "VmRSS:");
        }
        return kb * 1024;
    }

    private static long peakResidentKb(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended meanwhile.
        }
        return 0;
    }
}
