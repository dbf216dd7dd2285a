package dev.ember.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A runtime started as a plain child process, when this host cannot sandbox (or the operator chose not to): it leads
 * its own session so the whole process group can be killed, and its memory is read from {@code /proc}. It is never
 * frozen and shares the host's file system and network.
 */
final class Unconfined implements Confinement {
    /** util-linux's setsid; without it environments are killed process by process. */
    static final String SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : null;

    private final Process process;
    private final ProcessTreeMemory memory;
    private boolean destroyed;

    Unconfined(Process process) {
        this.process = process;
        this.memory = new ProcessTreeMemory(process);
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

    @Override
    public long maxMemoryUsedBytes() {
        return memory.peakBytes();
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
        }
        memory.close();
        if (SETSID == null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        } else {
            Linux.kill(-process.pid(), Linux.SIGKILL); // the group: children a bootstrap left behind too
        }
        process.destroyForcibly();
    }
}
