package dev.ember.policy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * How many stem cells (environments sandboxed and booted for a runtime, holding no function yet) to keep per kind of
 * cell. Every cold start of any function of a kind draws on the same cells, so their number follows the cold starts
 * of all those functions together, not any one function's.
 *
 * <p>The rule: as many cells as the most cold starts that arrived within one <em>boot time</em> of a cell (the time a
 * taken cell needs to be replaced) during the last {@link #BURST_MEMORY_MILLIS burst memory}, capped at
 * {@code maxCells}; at least one while any cold start of the kind happened within the last
 * {@link #IDLE_LIMIT_MILLIS idle limit}; none after that, so a kind nobody starts any more costs no memory. A lone cold
 * start every few minutes keeps one cell; a scale-up of 40 concurrent requests keeps up to 40 for the next few
 * minutes.
 *
 * <p>Pure and deterministic: time is the caller's, in milliseconds. Not thread-safe: the caller serialises calls.
 */
public final class StemCellPolicy {
    /** How long a burst of cold starts keeps its number of cells. */
    public static final long BURST_MEMORY_MILLIS = 10 * 60_000L;
    /** How long after the last cold start of a kind one cell is still kept. */
    public static final long IDLE_LIMIT_MILLIS = 60 * 60_000L;
    /** Until a cell of the kind has been seen booting, its boot time is taken to be this. */
    static final long DEFAULT_BOOT_MILLIS = 1_000;

    private final int maxCells;
    private final Map<String, Kind> kinds = new HashMap<>();

    /** The cold starts of one kind, and the bursts they made. */
    private static final class Kind {
        long bootMillis = DEFAULT_BOOT_MILLIS;
        long lastColdStart = Long.MIN_VALUE;
        /** Cold starts within the last boot time: the burst in progress. */
        final Deque<Long> recent = new ArrayDeque<>();
        /** Bursts within the burst memory, as (time, size), sizes decreasing from the oldest: a monotonic queue. */
        final Deque<long[]> bursts = new ArrayDeque<>();
    }

    /**
     * @param maxCells the most cells of one kind, whatever the bursts
     */
    public StemCellPolicy(int maxCells) {
        if (maxCells < 0) {
            throw new IllegalArgumentException("maxCells must be 0 or more, was " + maxCells);
        }
        this.maxCells = maxCells;
    }

    /** A cold start of a function of {@code kind} happened at {@code now}, whether or not a cell served it. */
    public void onColdStart(String kind, long now) {
        Kind k = kinds.computeIfAbsent(kind, name -> new Kind());
        k.lastColdStart = now;
        while (!k.recent.isEmpty() && k.recent.peekFirst() <= now - k.bootMillis) {
            k.recent.pollFirst();
        }
        k.recent.addLast(now);
        long size = k.recent.size();
        // A smaller or equal older burst can never be the largest again once this one is remembered.
        while (!k.bursts.isEmpty() && k.bursts.peekLast()[1] <= size) {
            k.bursts.pollLast();
        }
        k.bursts.addLast(new long[] {now, size});
    }

    /** A cell of {@code kind} took {@code millis} from its launch until it was booted. */
    public void booted(String kind, long millis) {
        Kind k = kinds.computeIfAbsent(kind, name -> new Kind());
        // The slowest recent boot counts: a burst is measured against the time it takes to replace a cell.
        k.bootMillis = Math.max(1, (k.bootMillis + 3 * millis) / 4);
    }

    /** How many cells of {@code kind} to keep at {@code now}. */
    public int target(String kind, long now) {
        Kind k = kinds.get(kind);
        if (k == null || k.lastColdStart == Long.MIN_VALUE || now - k.lastColdStart >= IDLE_LIMIT_MILLIS) {
            return 0;
        }
        while (!k.bursts.isEmpty() && k.bursts.peekFirst()[0] <= now - BURST_MEMORY_MILLIS) {
            k.bursts.pollFirst();
        }
        long burst = k.bursts.isEmpty() ? 1 : k.bursts.peekFirst()[1];
        return (int) Math.min(maxCells, Math.max(1, burst));
    }

    /** Why {@link #target} says what it says, in a sentence for {@code ./ember info}. */
    public String explain(String kind, long now) {
        int target = target(kind, now);
        Kind k = kinds.get(kind);
        if (k == null || k.lastColdStart == Long.MIN_VALUE) {
            return "no cold start yet: no cells";
        }
        long since = now - k.lastColdStart;
        if (target == 0) {
            return "no cold start for " + ScalingPolicy.human(since) + ": no cells";
        }
        return ("%d cell%s: the largest burst of cold starts within one boot time (%d ms) in the last %s, at least one"
                + " for %s after the last cold start (%s ago)").formatted(target, target == 1 ? "" : "s", k.bootMillis,
                ScalingPolicy.human(BURST_MEMORY_MILLIS), ScalingPolicy.human(IDLE_LIMIT_MILLIS),
                ScalingPolicy.human(since));
    }
}
