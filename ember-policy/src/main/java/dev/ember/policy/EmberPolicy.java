package dev.ember.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * Ember's policy. When a function comes back is the hybrid histogram's question and answer; Ember adds how many:
 * it learns each function's peak concurrency per minute of the day (smoothed across days) and keeps that many
 * environments, scaled by a margin, from a few minutes before the minute they are needed, so a function that climbs
 * from 2 to 200 concurrent every evening finds its environments there. A forecast below two environments is left to
 * the histogram, which already keeps one.
 */
final class EmberPolicy implements ScalingPolicy {
    private static final int MINUTES_PER_DAY = 1440;
    private static final long MINUTE = 60_000;
    /** How far ahead environments are started: a cold start must be over before the minute begins. */
    private static final int LOOKAHEAD_MINUTES = 2;
    private static final double MARGIN = 1.10;
    private static final double DAY_WEIGHT = 0.5;
    private static final long EXTRA_KEEP_MILLIS = MINUTE;
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
            };
        }
    };
    private final Map<String, Concurrency> concurrency = new HashMap<>();

    /** One function's peak concurrency by minute of the day. */
    static final class Concurrency {
        final double[] byMinuteOfDay = new double[MINUTES_PER_DAY];
        long minute = -1;          // the minute being observed
        int peak;                  // its peak so far
        int running;
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
                byMinuteOfDay[slot] = daysSeen == 0 ? peak
                        : DAY_WEIGHT * peak + (1 - DAY_WEIGHT) * byMinuteOfDay[slot];
                if (slot == MINUTES_PER_DAY - 1) {
                    daysSeen++;
                }
                minute++;
                peak = running; // environments still busy count in the next minute
            }
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
            int target = (int) Math.ceil(most * MARGIN);
            return target >= 2 ? target : 0;
        }
    }

    private Concurrency concurrency(String function) {
        return concurrency.computeIfAbsent(function, f -> new Concurrency());
    }

    @Override
    public String name() {
        return "ember";
    }

    @Override
    public void onArrival(String function, long now) {
        when.onArrival(function, now);
        Concurrency c = concurrency(function);
        c.advance(now);
        c.running++;
        c.peak = Math.max(c.peak, c.running);
    }

    @Override
    public void onEnd(String function, long now, int running) {
        when.onEnd(function, now, running);
        Concurrency c = concurrency(function);
        c.advance(now);
        c.running = running;
    }

    /**
     * The first idle environments, as many as the forecast wants (at least one), follow the histogram; any more are
     * what a burst left behind and are let go after a minute, unless the next burst comes first.
     */
    @Override
    public IdleDecision onIdle(String function, long now, int idle) {
        Concurrency c = concurrency(function);
        c.advance(now);
        if (idle >= Math.max(1, c.forecast(now))) {
            return IdleDecision.keep(EXTRA_KEEP_MILLIS);
        }
        return when.onIdle(function, now, idle);
    }

    @Override
    public int warmTarget(String function, long now) {
        Concurrency c = concurrency(function);
        c.advance(now);
        return c.forecast(now);
    }
}
