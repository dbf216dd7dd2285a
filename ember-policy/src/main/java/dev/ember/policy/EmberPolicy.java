package dev.ember.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * Ember's policy, built from what each function shows of itself:
 * <ul>
 *   <li><b>how many, ahead of time</b>: the peak concurrency of every minute of the day, smoothed across days; when it
 *       forecasts a climb beyond what the last ten minutes needed, that many environments are started a few minutes
 *       ahead (a function that goes from 2 to 200 concurrent every evening finds its environments there). Only while
 *       the forecast has been accurate: functions whose days do not repeat are not forecast;
 *   <li><b>how long, for busy functions</b> (a call every ten minutes or more): the shortest keep-alive window that,
 *       counted on the function's own concurrency over time, avoids nearly as many cold starts as ten minutes would
 *       ({@link WindowChooser});
 *   <li><b>when, for the others</b>: the hybrid histogram of idle times, pre-warming just before the next call; but
 *       with too little history the platform's ten minutes, not four hours, and never longer than the memory is
 *       worth (rent or buy: the function's cold-start time against its memory);
 *   <li>environments a burst left beyond what is forecast go after a minute.
 * </ul>
 * Measured against the paper's hybrid policy and a fixed 10 minutes with {@code ./ember simulate} (README).
 */
final class EmberPolicy implements ScalingPolicy {
    private static final int MINUTES_PER_DAY = 1440;
    private static final long MINUTE = 60_000;
    /** How far ahead environments are started: a cold start must be over before the minute begins. */
    private static final int LOOKAHEAD_MINUTES = 2;
    /**
     * From this many calls a minute on, a function is busy: its keep-alive window is learnt from its concurrency
     * (measured: from a call every ten minutes on, the learnt window beats the histogram on both counts).
     */
    private static final double BUSY_RATE = 0.1;
    /** A forecast counts only when it climbs this far beyond what the last ten minutes needed. */
    private static final double CLIMB = 1.2;
    private static final double DAY_WEIGHT = 0.5;
    private static final long EXTRA_KEEP_MILLIS = MINUTE;
    private static final long DEFAULT_KEEP_MILLIS = 10 * MINUTE;
    /**
     * The exchange rate between idle memory and cold-start latency the policy optimises for: measured with
     * {@code ./ember simulate}, 300 gives a third of the hybrid policy's cold starts at less wasted memory.
     */
    private static final double GB_SECONDS_PER_COLD_SECOND = 300;
    /** Smoothing of the arrival rate: about the last 100 minutes count. */
    private static final double RATE_DECAY = 0.99;
    /** Smoothing of the forecast's accuracy: about the last 100 minutes count. */
    private static final double ACCURACY_DECAY = 0.99;
    /** A forecast is used while its mean error stays below this share of the mean peak. */
    private static final double TRUSTED_ERROR = 0.3;

    private final HybridHistogramPolicy when = new HybridHistogramPolicy() {
        @Override
        History newHistory() {
            return new History() {
                /** Not the whole 4-hour range: as long as 99 % of the idle times seen, plus 10 %. */
                @Override
                IdleDecision unrepresentative() {
                    return inRange == 0 ? super.unrepresentative()
                            : IdleDecision.keep((long) (upperEdge(0.99) * 1.1));
                }

                /** Too little history to bet four hours of memory on: the platform default. */
                @Override
                IdleDecision tooFewSamples() {
                    return IdleDecision.keep(DEFAULT_KEEP_MILLIS);
                }
            };
        }
    };
    private final Map<String, Concurrency> concurrency = new HashMap<>();
    private final Map<String, Long> breakEven = new HashMap<>();

    /** One function's peak concurrency by minute of the day. */
    static final class Concurrency {
        final double[] byMinuteOfDay = new double[MINUTES_PER_DAY];
        long minute = -1;          // the minute being observed
        int peak;                  // its peak so far
        int running;
        final WindowChooser windows = new WindowChooser();
        int arrivals;              // in the minute being observed
        double ratePerMinute;      // smoothed arrivals per minute
        int daysSeen;
        double error;              // smoothed |forecast - actual| per minute
        double level;              // smoothed actual peak per minute

        void advance(long now) {
            long current = now / MINUTE;
            if (minute < 0) {
                minute = current;
                peak = running;
                return;
            }
            while (minute < current) {
                int slot = (int) (minute % MINUTES_PER_DAY);
                if (daysSeen > 0) {
                    // How well yesterday's same minute predicted this one, over the last few hours.
                    error = ACCURACY_DECAY * error + (1 - ACCURACY_DECAY) * Math.abs(byMinuteOfDay[slot] - peak);
                    level = ACCURACY_DECAY * level + (1 - ACCURACY_DECAY) * peak;
                }
                ratePerMinute = RATE_DECAY * ratePerMinute + (1 - RATE_DECAY) * arrivals;
                arrivals = 0;
                byMinuteOfDay[slot] = daysSeen == 0 ? peak
                        : DAY_WEIGHT * peak + (1 - DAY_WEIGHT) * byMinuteOfDay[slot];
                if (slot == MINUTES_PER_DAY - 1) {
                    daysSeen++;
                }
                minute++;
                peak = running; // environments still busy count in the next minute
            }
        }

        /** Busy: a call every ten minutes or more, on average over the last hundred minutes or so. */
        boolean busy() {
            return ratePerMinute >= BUSY_RATE;
        }

        int forecast(long now) {
            if (daysSeen == 0 || error > TRUSTED_ERROR * level) {
                return 0; // no day of history yet, or a function whose days do not repeat (random bursts)
            }
            long current = now / MINUTE;
            double most = 0;
            for (int ahead = 0; ahead <= LOOKAHEAD_MINUTES; ahead++) {
                most = Math.max(most, byMinuteOfDay[(int) ((current + ahead) % MINUTES_PER_DAY)]);
            }
            // As many as the forecast peak: a margin above it measured worse on both cold starts and memory.
            int target = (int) Math.ceil(most);
            // Only a climb beyond what the last ten minutes needed: that much the kept environments cover already.
            return target >= 2 && target > CLIMB * windows.recentPeak(now) ? target : 0;
        }
    }

    private Concurrency concurrency(String function) {
        return concurrency.computeIfAbsent(function, f -> new Concurrency());
    }

    @Override
    public String name() {
        return "ember";
    }

    /**
     * Rent or buy: an idle environment is worth keeping while the memory it holds costs less than the cold start it
     * may save. With {@link #GB_SECONDS_PER_COLD_SECOND}, a 128 MB function whose cold start takes 1 s is kept at most
     * 40 minutes on a guess, a 2 GB one 2.5 minutes.
     */
    @Override
    public void profile(String function, double memoryMb, long coldStartMillis) {
        double gb = Math.max(memoryMb, 1) / 1024;
        breakEven.put(function, (long) (coldStartMillis * GB_SECONDS_PER_COLD_SECOND / gb));
    }

    private IdleDecision capped(String function, IdleDecision decision) {
        Long cap = breakEven.get(function);
        if (cap == null) {
            return decision;
        }
        return new IdleDecision(Math.min(decision.keepAliveMillis(), cap), decision.prewarmAfterMillis(),
                Math.min(decision.prewarmKeepMillis(), cap));
    }

    @Override
    public void onArrival(String function, long now) {
        when.onArrival(function, now);
        Concurrency c = concurrency(function);
        c.advance(now);
        c.running++;
        c.arrivals++;
        c.windows.arrival(now);
        c.peak = Math.max(c.peak, c.running);
    }

    @Override
    public void onEnd(String function, long now, int running) {
        when.onEnd(function, now, running);
        Concurrency c = concurrency(function);
        c.advance(now);
        c.running = running;
        c.windows.end(now, running);
    }

    /**
     * A busy function (a call every ten minutes or more) keeps each idle environment for its learnt window: the
     * histogram of the function's idle times, near zero while calls overlap, says nothing about when one environment will be needed
     * again. Otherwise the first idle environments, as many as the forecast wants (at least one), follow the
     * histogram, and any more are what a burst left behind and are let go after a minute.
     */
    @Override
    public IdleDecision onIdle(String function, long now, int idle) {
        Concurrency c = concurrency(function);
        c.advance(now);
        if (c.busy()) {
            return IdleDecision.keep(c.windows.window());
        }
        if (idle >= Math.max(1, c.forecast(now))) {
            return IdleDecision.keep(EXTRA_KEEP_MILLIS);
        }
        return capped(function, when.onIdle(function, now, idle));
    }

    /**
     * Under memory pressure the idle environment whose loss costs least goes first: its function's calls per minute
     * times what a cold start of it costs against its memory (the rent-or-buy worth), discounted by how long it has
     * been idle already (the longer, the less likely the next call is near).
     */
    @Override
    public double keepValue(String function, long idleSince, long now) {
        Concurrency c = concurrency(function);
        c.advance(now);
        double worth = breakEven.getOrDefault(function, DEFAULT_KEEP_MILLIS);
        double idleMinutes = Math.max(0, now - idleSince) / (double) MINUTE;
        return (c.ratePerMinute + 1.0 / MINUTES_PER_DAY) * worth / (1 + idleMinutes);
    }

    @Override
    public String explain(String function, long now) {
        Concurrency c = concurrency(function);
        c.advance(now);
        String how = c.busy()
                ? ("busy (%.1f calls a minute): keeps each idle environment for %s, the shortest window that avoids"
                + " nearly as many cold starts as 10m would").formatted(c.ratePerMinute,
                ScalingPolicy.human(c.windows.window()))
                : when.explain(function, now);
        Long cap = breakEven.get(function);
        if (cap != null && !c.busy()) {
            how += "; never longer than " + ScalingPolicy.human(cap) + " (its cold start against its memory)";
        }
        int forecast = c.forecast(now);
        return how + (forecast > 0 ? "; forecast: " + forecast + " environments in the next minutes"
                : c.daysSeen == 0 ? "; no day of history for a forecast yet" : "; no climb forecast");
    }

    @Override
    public int warmTarget(String function, long now) {
        Concurrency c = concurrency(function);
        c.advance(now);
        return c.forecast(now);
    }
}
