package dev.ember.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A runtime started as a plain child process, when this host cannot sandbox (or the operator chose not to): it leads
 * its own session so the whole process group can be killed, and its memory is read from {@code /proc}. It is never
 * frozen and shares the host's file system and network.
 */
final class Unconfined implements Confinement {
    /** util-linux's setsid; without it environments are killed process by process. */
    static final String SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : null;
    private static final long CHILDREN_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Process process;
    private final PeakMemory peakMemory;
    private long childrenSampledAt = System.nanoTime() - CHILDREN_SAMPLE_NANOS - 1;
    private long childrenPeakKb;
    private long lastBytes;
    private boolean destroyed;

    Unconfined(Process process) {
        this.process = process;
        this.peakMemory = PeakMemory.of(process.pid());
    }

    @Override
    public Process process() {
        return process;
    }

    @Override
    public void initialised() {
        // No CPU share to apply.
    }

    @Override
    public void freeze() {
        // Not enforced without a freezer cgroup; IsolationReport says so.
    }

    @Override
    public void thaw() {
        // Never frozen.
    }

    /** The runtime's own peak resident set plus its children's, sampled at most once a second. */
    @Override
    public synchronized long maxMemoryUsedBytes() {
        if (destroyed) {
            return lastBytes;
        }
        long now = System.nanoTime();
        if (now - childrenSampledAt > CHILDREN_SAMPLE_NANOS) {
            // Walking the process tree scans all of /proc: done at most once a second, not per invocation.
            childrenSampledAt = now;
            long kb = 0;
            for (ProcessHandle child : process.descendants().toList()) {
                kb += peakResidentKb(child.pid());
            }
            childrenPeakKb = Math.max(childrenPeakKb, kb);
        }
        long own = peakMemory == null ? 0 : peakMemory.kilobytes();
        lastBytes = Math.max(lastBytes, (own + childrenPeakKb) * 1024);
        return lastBytes;
    }

    @Override
    public boolean outOfMemory() {
        return false;
    }

    @Override
    public void destroy() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
            if (peakMemory != null) {
                peakMemory.close();
            }
        }
        if (SETSID == null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        } else {
            Linux.kill(-process.pid(), Linux.SIGKILL); // the group: children a bootstrap left behind too
        }
        process.destroyForcibly();
    }

    private static long peakResidentKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended meanwhile.
        }
        return 0;
    }
}
