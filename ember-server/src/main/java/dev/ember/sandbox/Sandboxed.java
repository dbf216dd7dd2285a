package dev.ember.sandbox;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * A runtime inside bubblewrap, in its own control group (when this host has one) and network namespace (when root),
 * running as a host user id of its own.
 */
final class Sandboxed implements Confinement {
    private final Process process;
    private final Process network; // slirp4netns, or null
    private final Cgroup cgroup;   // or null
    private final int steadyMillicores;
    private final int uid;
    private final IntConsumer releaseUid;
    private final Cleanups cleanups;
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final ProcessTreeMemory processMemory; // when there is no memory controller
    private long lastPeakBytes;

    Sandboxed(Process process, Process network, Cgroup cgroup, int steadyMillicores, int uid, IntConsumer releaseUid,
              Cleanups cleanups) {
        this.process = process;
        this.network = network;
        this.cgroup = cgroup;
        this.steadyMillicores = steadyMillicores;
        this.uid = uid;
        this.releaseUid = releaseUid;
        this.cleanups = cleanups;
        this.processMemory = cgroup == null || cgroup.peakBytes() < 0 ? new ProcessTreeMemory(process) : null;
    }

    @Override
    public Process process() {
        return process;
    }

    @Override
    public void initialised() {
        if (cgroup != null && !destroyed.get()) {
            cgroup.cpu(steadyMillicores);
        }
    }

    @Override
    public void freeze() {
        if (cgroup != null && !destroyed.get()) {
            cgroup.freeze();
        }
    }

    @Override
    public void thaw() {
        if (cgroup != null && !destroyed.get()) {
            cgroup.thaw();
        }
    }

    @Override
    public synchronized long maxMemoryUsedBytes() {
        if (processMemory != null) {
            return processMemory.peakBytes();
        }
        if (!destroyed.get()) {
            lastPeakBytes = Math.max(lastPeakBytes, cgroup.peakBytes());
        }
        return lastPeakBytes;
    }

    @Override
    public boolean outOfMemory() {
        return cgroup != null && !destroyed.get() && cgroup.oomKills() > 0;
    }

    /**
     * Kills the sandbox's outermost process (its PID namespace dies with it), then, off the caller's thread, whatever
     * is left in the control group, and removes the group; the user id is free again once nothing of it runs.
     */
    @Override
    public void destroy() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        process.destroyForcibly();
        if (processMemory != null) {
            processMemory.close();
        }
        if (network != null) {
            network.destroyForcibly();
        }
        cleanups.run(() -> {
            if (cgroup != null) {
                cgroup.remove();
            } else {
                process.onExit().join();
            }
            if (uid >= 0) {
                releaseUid.accept(uid);
            }
        });
    }
}
