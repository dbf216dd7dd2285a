package dev.ember.policy.sim;

import dev.ember.policy.trace.TraceFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The invocations a trace function's minute counts stand for, drawn for a seed: each minute's arrivals spread
 * uniformly over the minute, each with an execution time drawn from the function's duration percentiles. The
 * simulator and a live replay ({@code ./ember replay}) draw the same calls for the same seed, so their counts compare.
 */
public final class Schedule {
    private static final long MINUTE = 60_000;

    private final TraceFunction function;
    private final SplittableRandom random;
    private long[] arrivals = new long[16];

    /**
     * One invocation.
     *
     * @param atMillis       when it arrives, from the trace's start
     * @param durationMillis how long it executes (at least 1 ms)
     */
    public record Call(long atMillis, long durationMillis) {
    }

    /** The calls of {@code function} for {@code seed}, drawn minute by minute as they are asked for. */
    public Schedule(TraceFunction function, long seed) {
        this.function = function;
        this.random = new SplittableRandom(seed ^ ((long) function.key().hashCode() << 17));
    }

    /**
     * The arrival times of minute {@code minute}'s calls, sorted, in the first {@code count} slots of the returned
     * array (reused between calls). Draw each one's duration with {@link #duration()} in that order, before the next
     * minute: the draws interleave so that the simulator and a replay see the same numbers.
     */
    long[] arrivals(int minute, int count) {
        if (arrivals.length < count) {
            arrivals = new long[Math.max(count, arrivals.length * 2)];
        }
        long start = minute * MINUTE;
        for (int i = 0; i < count; i++) {
            arrivals[i] = start + (long) (random.nextDouble() * MINUTE);
        }
        Arrays.sort(arrivals, 0, count);
        return arrivals;
    }

    /** The execution time of the next call, in ms. */
    long duration() {
        return Math.max(1, Math.round(function.sampleDurationMs(random.nextDouble())));
    }

    /** Every call of {@code function} over its first {@code minutes} minutes, in time order. */
    public static List<Call> calls(TraceFunction function, long seed, int minutes) {
        var schedule = new Schedule(function, seed);
        List<Call> calls = new ArrayList<>();
        int[] perMinute = function.perMinute();
        for (int minute = 0; minute < Math.min(minutes, perMinute.length); minute++) {
            int count = perMinute[minute];
            if (count == 0) {
                continue;
            }
            long[] at = schedule.arrivals(minute, count);
            for (int i = 0; i < count; i++) {
                calls.add(new Call(at[i], schedule.duration()));
            }
        }
        return calls;
    }
}
