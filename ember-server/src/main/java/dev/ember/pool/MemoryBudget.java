package dev.ember.pool;

import java.lang.management.ManagementFactory;

/**
 * The host memory execution environments may hold: each holds its function's MemorySize (the limit its control group
 * enforces) from the moment it is started until it is gone, busy or idle. Nothing is started beyond it; under
 * pressure the scaling policy chooses which idle environments make room ({@link WarmPool#makeRoom}).
 *
 * <p>Thread-safe.
 */
public final class MemoryBudget {
    /** The share of the host's memory environments get by default; the rest is the server's and the system's. */
    static final double DEFAULT_SHARE = 0.75;

    private final long capacityMb;
    private long usedMb;

    private MemoryBudget(long capacityMb) {
        if (capacityMb < 1) {
            throw new IllegalArgumentException("a memory budget must be at least 1 MB, was " + capacityMb);
        }
        this.capacityMb = capacityMb;
    }

    /** A budget of {@code capacityMb}. */
    public static MemoryBudget ofMb(long capacityMb) {
        return new MemoryBudget(capacityMb);
    }

    /** The default: three quarters of the host's physical memory. */
    public static long defaultMb() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return (long) (os.getTotalMemorySize() * DEFAULT_SHARE) >> 20;
    }

    /** Takes {@code mb} if they are free; returns whether it did. */
    public synchronized boolean tryReserve(long mb) {
        if (usedMb + mb > capacityMb) {
            return false;
        }
        usedMb += mb;
        return true;
    }

    /** Gives back what {@link #tryReserve} took. */
    public synchronized void release(long mb) {
        usedMb -= mb;
        if (usedMb < 0) {
            throw new IllegalStateException("released more memory than was reserved");
        }
    }

    public long capacityMb() {
        return capacityMb;
    }

    public synchronized long usedMb() {
        return usedMb;
    }
}
