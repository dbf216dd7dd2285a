package dev.ember.cli;

import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock for replaying a trace faster than it happened: it stands at the trace's start until {@link #begin()}, then
 * runs {@code speedup} times faster than real time. The server's policies, keep-alives and pre-warms all read it, so
 * ten minutes of keep-alive pass in ten seconds at a speedup of 60.
 */
final class ReplayClock implements InstantSource {
    private final Instant start;
    private final double speedup;
    private volatile long begunNanos = Long.MIN_VALUE;

    ReplayClock(Instant start, double speedup) {
        this.start = start;
        this.speedup = speedup;
    }

    /** Starts the trace's time running. */
    void begin() {
        begunNanos = System.nanoTime();
    }

    /** How far into the trace it is, in trace milliseconds. */
    long traceMillis() {
        long begun = begunNanos;
        return begun == Long.MIN_VALUE ? 0 : (long) ((System.nanoTime() - begun) / 1e6 * speedup);
    }

    /** The real nanoTime at which the trace reaches {@code traceMillis}. */
    long realNanosAt(long traceMillis) {
        return begunNanos + (long) (traceMillis * 1e6 / speedup);
    }

    @Override
    public Instant instant() {
        return start.plusMillis(traceMillis());
    }

    @Override
    public long millis() {
        return start.toEpochMilli() + traceMillis();
    }
}
