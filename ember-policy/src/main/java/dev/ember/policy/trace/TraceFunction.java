package dev.ember.policy.trace;

import java.util.Objects;

/**
 * One function of a trace in the Azure Functions 2019 format: who owns it, how often it was invoked in each minute,
 * how long its executions took and how much memory its app allocated.
 *
 * @param owner         {@code HashOwner}
 * @param app           {@code HashApp}; policies decide per app, as in the paper
 * @param function      {@code HashFunction}
 * @param trigger       {@code http}, {@code queue}, {@code event}, {@code timer}, {@code storage}, ...
 * @param perMinute     invocations in each minute of the trace, day after day (1,440 per day)
 * @param durationMs    execution time percentiles in ms: 0, 1, 25, 50, 75, 99, 100
 * @param memoryMb      the app's average allocated memory
 */
public record TraceFunction(String owner, String app, String function, String trigger, int[] perMinute,
                            double[] durationMs, double memoryMb) {
    /** The percentiles {@link #durationMs} holds, in order. */
    public static final double[] DURATION_PERCENTILES = {0, 1, 25, 50, 75, 99, 100};

    public TraceFunction {
        Objects.requireNonNull(function, "function");
        if (durationMs.length != DURATION_PERCENTILES.length) {
            throw new IllegalArgumentException("durationMs needs " + DURATION_PERCENTILES.length + " percentiles");
        }
    }

    /** Invocations over the whole trace. */
    public long invocations() {
        long total = 0;
        for (int count : perMinute) {
            total += count;
        }
        return total;
    }

    /**
     * An execution time drawn from the percentiles: {@code u} in [0, 1) picks a percentile, interpolated linearly
     * between the published ones.
     */
    public double sampleDurationMs(double u) {
        double p = u * 100;
        for (int i = 1; i < DURATION_PERCENTILES.length; i++) {
            if (p <= DURATION_PERCENTILES[i]) {
                double from = DURATION_PERCENTILES[i - 1];
                double share = (p - from) / (DURATION_PERCENTILES[i] - from);
                return durationMs[i - 1] + share * (durationMs[i] - durationMs[i - 1]);
            }
        }
        return durationMs[durationMs.length - 1];
    }

    /** The key policies use for it: its app (the paper's unit) and function. */
    public String key() {
        return app + '/' + function;
    }
}
