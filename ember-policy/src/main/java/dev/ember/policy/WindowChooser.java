package dev.ember.policy;

/**
 * Learns how long a busy function's idle environments should be kept. Keeping every idle environment for a window W
 * means that at any moment as many environments are alive as the function's peak concurrency over the last W; an
 * arrival is a cold start exactly when it lifts concurrency above that peak. So, from the function's own concurrency
 * over time, the cold starts of every candidate window can be counted as if it had been in force,
 * and the shortest window that is nearly as good as ten minutes at avoiding cold starts is chosen.
 */
final class WindowChooser {
    private static final long[] WINDOWS = {15_000, 30_000, 60_000, 120_000, 300_000, 600_000};
    /**
     * A window may cost this many more cold starts than the longest one, for the memory it saves (measured with
     * {@code ./ember simulate}: 1.3 trades a few of the cold starts Ember saves elsewhere for less memory than a fixed
     * ten minutes).
     */
    private static final double COLD_START_SLACK = 1.3;

    private final Candidate[] candidates = new Candidate[WINDOWS.length];
    private int running;

    /** What one window would have done; its sliding maximum is a deque of (time, concurrency) in primitive arrays. */
    private static final class Candidate {
        final long window;
        long[] times = new long[16];
        int[] values = new int[16];
        int head;
        int size;
        double coldStarts;

        Candidate(long window) {
            this.window = window;
        }

        int peak(long now) {
            while (size > 0 && times[head] < now - window) {
                head = (head + 1) & (times.length - 1);
                size--;
            }
            return size == 0 ? 0 : values[head];
        }

        void record(long now, int concurrency) {
            while (size > 0 && values[(head + size - 1) & (times.length - 1)] <= concurrency) {
                size--;
            }
            if (size == times.length) {
                grow();
            }
            int tail = (head + size) & (times.length - 1);
            times[tail] = now;
            values[tail] = concurrency;
            size++;
        }

        private void grow() {
            long[] newTimes = new long[times.length * 2];
            int[] newValues = new int[times.length * 2];
            for (int i = 0; i < size; i++) {
                newTimes[i] = times[(head + i) & (times.length - 1)];
                newValues[i] = values[(head + i) & (times.length - 1)];
            }
            times = newTimes;
            values = newValues;
            head = 0;
        }
    }

    WindowChooser() {
        for (int i = 0; i < WINDOWS.length; i++) {
            candidates[i] = new Candidate(WINDOWS[i]);
        }
    }

    void arrival(long now) {
        running++;
        for (Candidate c : candidates) {
            if (running > c.peak(now)) {
                c.coldStarts++;
            }
            c.record(now, running);
        }
    }

    void end(long now, int stillRunning) {
        running = stillRunning;
        for (Candidate c : candidates) {
            c.record(now, running);
        }
    }

    /** The peak concurrency over the longest window (ten minutes) up to {@code now}. */
    int recentPeak(long now) {
        return candidates[candidates.length - 1].peak(now);
    }

    /** The shortest window with at most {@link #COLD_START_SLACK} times the cold starts of the longest (plus one). */
    long window() {
        double reference = candidates[candidates.length - 1].coldStarts;
        for (Candidate c : candidates) {
            if (c.coldStarts <= reference * COLD_START_SLACK + 1) {
                return c.window;
            }
        }
        return WINDOWS[WINDOWS.length - 1];
    }
}
