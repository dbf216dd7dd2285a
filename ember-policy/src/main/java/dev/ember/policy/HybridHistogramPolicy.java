package dev.ember.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * The hybrid histogram policy of Shahrad et al., "Serverless in the Wild" (ATC 2020), as published: per function, a
 * histogram of idle times (the time from the end of the latest execution to the next arrival) over a 4-hour range
 * in 1-minute bins.
 * <ul>
 *   <li>Not enough history, or a histogram that is not representative (coefficient of variation of the bin counts
 *       below 2): keep the environment alive for the whole range.
 *   <li>Most idle times beyond the range: forecast the next idle time (the paper uses ARIMA; here an exponentially
 *       weighted mean of the log idle times, noted as a deviation) and pre-warm 15 % before it, keeping the
 *       environment for 30 % of it.
 *   <li>Otherwise: unload at once, pre-warm at the 5th percentile of idle times minus 10 %, keep alive until the 99th
 *       percentile plus 10 %; with a 5th percentile of zero, simply keep alive until then.
 * </ul>
 */
class HybridHistogramPolicy implements ScalingPolicy {
    static final long BIN_MILLIS = 60_000;
    static final int BINS = 240; // 4 hours
    static final long RANGE_MILLIS = BIN_MILLIS * BINS;
    private static final int MIN_SAMPLES = 10;
    private static final double CV_THRESHOLD = 2;
    private static final double OUT_OF_RANGE_SHARE = 0.5;
    private static final double MARGIN = 0.10;
    private static final double FORECAST_MARGIN = 0.15;
    private static final double SMOOTHING = 0.3;

    private final Map<String, History> histories = new HashMap<>();

    /** One function's idle times. */
    static class History {
        final int[] bins = new int[BINS];
        int inRange;
        int outOfRange;
        double logOutOfRange = Double.NaN; // smoothed log of idle times beyond the range
        long lastEnd = -1;

        void arrival(long now) {
            // Every arrival after an end counts, also while other invocations run: the paper computes idle times
            // per app from minute counts, where overlapping executions give idle times near zero.
            if (lastEnd >= 0) {
                long idle = Math.max(0, now - lastEnd);
                int bin = (int) (idle / BIN_MILLIS);
                if (bin < BINS) {
                    bins[bin]++;
                    inRange++;
                } else {
                    outOfRange++;
                    double log = Math.log(idle);
                    logOutOfRange = Double.isNaN(logOutOfRange) ? log
                            : SMOOTHING * log + (1 - SMOOTHING) * logOutOfRange;
                }
            }
        }

        void end(long now) {
            lastEnd = now;
        }

        private IdleDecision cached;
        private int cachedAt = -1;

        /**
         * The decision for the current histogram. Recomputed when the histogram has grown by 1 % (every sample while
         * it is small): a busy function would otherwise rescan 240 bins at every invocation for the same answer.
         */
        IdleDecision decide() {
            int samples = inRange + outOfRange;
            boolean grown = samples < 100 ? samples != cachedAt : samples >= cachedAt * 1.01;
            if (cached == null || grown) {
                cached = compute();
                cachedAt = samples;
            }
            return cached;
        }

        private IdleDecision compute() {
            int samples = inRange + outOfRange;
            if (samples < MIN_SAMPLES) {
                return tooFewSamples();
            }
            if (outOfRange > OUT_OF_RANGE_SHARE * samples) {
                double predicted = Math.exp(logOutOfRange);
                return new IdleDecision(0, (long) (predicted * (1 - FORECAST_MARGIN)),
                        (long) (predicted * 2 * FORECAST_MARGIN));
            }
            if (coefficientOfVariation() < CV_THRESHOLD) {
                return unrepresentative();
            }
            long head = percentileBin(0.05) * BIN_MILLIS;           // lower edge of the 5th percentile's bin
            long tail = (percentileBin(0.99) + 1) * BIN_MILLIS;     // upper edge of the 99th percentile's bin
            long prewarm = (long) (head * (1 - MARGIN));
            long keep = (long) (tail * (1 + MARGIN)) - prewarm;
            return prewarm <= 0 ? IdleDecision.keep(keep) : new IdleDecision(0, prewarm, keep);
        }

        /** The current decision in words. */
        String explain() {
            IdleDecision d = decide();
            String history = (inRange + outOfRange) + " idle times seen, " + outOfRange + " beyond 4h";
            if (d.prewarmAfterMillis() > 0) {
                return "lets each idle environment go, pre-warms one " + ScalingPolicy.human(d.prewarmAfterMillis())
                        + " after the call and keeps it " + ScalingPolicy.human(d.prewarmKeepMillis()) + " ("
                        + history + ")";
            }
            return "keeps each idle environment for " + ScalingPolicy.human(d.keepAliveMillis()) + " (" + history
                    + ")";
        }

        /** The paper's answer when there is too little history: keep alive for the whole range. */
        IdleDecision tooFewSamples() {
            return IdleDecision.keep(RANGE_MILLIS);
        }

        /** The paper's answer when the histogram is not representative: keep alive for the whole range. */
        IdleDecision unrepresentative() {
            return IdleDecision.keep(RANGE_MILLIS);
        }

        /** The upper edge of the bin holding the {@code percentile} of in-range idle times, in ms. */
        long upperEdge(double percentile) {
            return (percentileBin(percentile) + 1) * BIN_MILLIS;
        }

        private double coefficientOfVariation() {
            double mean = (double) inRange / BINS;
            if (mean == 0) {
                return 0;
            }
            double variance = 0;
            for (int count : bins) {
                variance += (count - mean) * (count - mean);
            }
            return Math.sqrt(variance / BINS) / mean;
        }

        private int percentileBin(double percentile) {
            double target = percentile * inRange;
            int seen = 0;
            for (int bin = 0; bin < BINS; bin++) {
                seen += bins[bin];
                if (seen >= target && seen > 0) {
                    return bin;
                }
            }
            return BINS - 1;
        }
    }

    History history(String function) {
        return histories.computeIfAbsent(function, f -> newHistory());
    }

    /** A function's history; a subclass may answer the fallback cases differently. */
    History newHistory() {
        return new History();
    }

    @Override
    public String name() {
        return "hybrid";
    }

    @Override
    public void onArrival(String function, long now) {
        history(function).arrival(now);
    }

    @Override
    public void onEnd(String function, long now, int running) {
        history(function).end(now);
    }

    @Override
    public IdleDecision onIdle(String function, long now, int idle) {
        return history(function).decide();
    }

    @Override
    public String explain(String function, long now) {
        return history(function).explain();
    }
}
