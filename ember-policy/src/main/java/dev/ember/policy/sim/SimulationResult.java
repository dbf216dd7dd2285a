package dev.ember.policy.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one policy did on one trace.
 *
 * @param policy        the policy's name
 * @param functions     per function
 * @param peakMemoryMb        the most memory held by environments (busy and idle) at the start of any minute
 * @param invocationsByMinute invocations of all functions in each minute of the trace
 * @param coldStartsByMinute  cold starts of all functions in each minute of the trace
 * @param aliveMbByMinute     memory held by environments (busy and idle) at the start of each minute
 * @param busyMbByMinute      memory held by busy environments at the start of each minute
 */
public record SimulationResult(String policy, List<FunctionResult> functions, double peakMemoryMb,
                               long[] invocationsByMinute, long[] coldStartsByMinute, double[] aliveMbByMinute,
                               double[] busyMbByMinute) {

    /**
     * One function.
     *
     * @param invocations     its arrivals, dropped ones included
     * @param coldStarts      arrivals that found no idle environment and got a new one
     * @param dropped         arrivals that found no idle environment and no memory for a new one, even after evicting
     *                        every idle environment (only under a memory budget)
     * @param wastedGbSeconds memory-time of its environments while idle
     */
    public record FunctionResult(String app, String key, long invocations, long coldStarts, long dropped,
                                 double wastedGbSeconds) {
        public double coldStartPercent() {
            return invocations == 0 ? 0 : 100.0 * coldStarts / invocations;
        }
    }

    public long invocations() {
        return functions.stream().mapToLong(FunctionResult::invocations).sum();
    }

    public long coldStarts() {
        return functions.stream().mapToLong(FunctionResult::coldStarts).sum();
    }

    /** Invocations dropped for want of memory (only under a memory budget). */
    public long dropped() {
        return functions.stream().mapToLong(FunctionResult::dropped).sum();
    }

    public double coldStartPercent() {
        long invocations = invocations();
        return invocations == 0 ? 0 : 100.0 * coldStarts() / invocations;
    }

    public double wastedGbSeconds() {
        return functions.stream().mapToDouble(FunctionResult::wastedGbSeconds).sum();
    }

    /**
     * Cold-start % of the invocations that arrived between {@code fromHour} and {@code toHour} (0–24, wrapping past
     * midnight) on the days from {@code fromDay} (0-based) on.
     */
    public double coldStartPercentBetween(int fromHour, int toHour, int fromDay) {
        long invocations = 0;
        long cold = 0;
        for (int m = fromDay * 1440; m < invocationsByMinute.length; m++) {
            int hour = (m % 1440) / 60;
            boolean inside = fromHour <= toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
            if (inside) {
                invocations += invocationsByMinute[m];
                cold += coldStartsByMinute[m];
            }
        }
        return invocations == 0 ? 0 : 100.0 * cold / invocations;
    }

    /**
     * Cold starts that arrived between minute-of-day {@code fromMinute} (inclusive) and {@code toMinute} (exclusive,
     * wrapping past midnight) on the days from {@code fromDay} (0-based) on.
     */
    public long coldStartsBetweenMinutes(int fromMinute, int toMinute, int fromDay) {
        long cold = 0;
        for (int m = fromDay * 1440; m < coldStartsByMinute.length; m++) {
            int ofDay = m % 1440;
            boolean inside = fromMinute <= toMinute ? ofDay >= fromMinute && ofDay < toMinute
                    : ofDay >= fromMinute || ofDay < toMinute;
            if (inside) {
                cold += coldStartsByMinute[m];
            }
        }
        return cold;
    }

    /**
     * Memory held by environments between {@code fromHour} and {@code toHour} on the days from {@code fromDay} on,
     * against what the load needed there: the mean of the memory held, over the most the busy environments held in
     * that window of each day (the environments the window's peak needs).
     */
    public double heldOverNeededBetween(int fromHour, int toHour, int fromDay) {
        double held = 0;
        int minutes = 0;
        double needed = 0;
        int days = 0;
        for (int day = fromDay; (day + 1) * 1440 <= aliveMbByMinute.length; day++) {
            double peak = 0;
            for (int m = day * 1440 + fromHour * 60; m < day * 1440 + toHour * 60; m++) {
                held += aliveMbByMinute[m];
                minutes++;
                peak = Math.max(peak, busyMbByMinute[m]);
            }
            needed += peak;
            days++;
        }
        return minutes == 0 || needed == 0 ? 0 : (held / minutes) / (needed / days);
    }

    /** The {@code percentile} (0–100) of per-function cold-start % over functions that were invoked. */
    public double functionColdStartPercentile(double percentile) {
        double[] values = functions.stream().filter(f -> f.invocations() > 0)
                .mapToDouble(FunctionResult::coldStartPercent).sorted().toArray();
        if (values.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100 * values.length) - 1;
        return values[Math.max(0, Math.min(values.length - 1, index))];
    }

    /** One JSON object; {@code wastedRelative} is wasted memory divided by the baseline's (fixed 10 min). */
    public String json(double baselineWastedGbSeconds) {
        return String.format(Locale.ROOT, "{\"policy\":\"%s\",\"invocations\":%d,\"coldStarts\":%d,"
                        + "\"coldStartPercent\":%.4f,\"perFunctionColdStartPercent\":{\"p50\":%.2f,\"p75\":%.2f,"
                        + "\"p90\":%.2f},\"wastedGbSeconds\":%.1f,\"wastedRelativeToFixed10m\":%.3f,"
                        + "\"peakMemoryMb\":%.0f,\"dropped\":%d}",
                policy, invocations(), coldStarts(), coldStartPercent(), functionColdStartPercentile(50),
                functionColdStartPercentile(75), functionColdStartPercentile(90), wastedGbSeconds(),
                baselineWastedGbSeconds == 0 ? 0 : wastedGbSeconds() / baselineWastedGbSeconds, peakMemoryMb,
                dropped());
    }

    @Override
    public String toString() {
        return policy + Arrays.toString(new double[] {coldStartPercent(), wastedGbSeconds()});
    }
}
