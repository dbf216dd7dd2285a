package dev.ember.policy;

import java.util.List;

/**
 * Decides, per function, how long idle execution environments are kept and which are started ahead of demand.
 * Time is the caller's, in milliseconds: the live server passes its clock's, the simulator its trace's.
 *
 * <p>Pure and deterministic: no I/O, no threads, no clock of its own; the live server and the trace simulator drive
 * the same implementations. Not thread-safe: the caller serialises calls.
 */
public interface ScalingPolicy {

    /** Its name in reports: {@code fixed}, {@code hybrid}, {@code greedy-dual}, {@code ember}. */
    String name();

    /**
     * What {@code function} costs: its memory, and how long a cold start of it takes (measured by the live server
     * after each cold start; known up front in a simulation). Policies that weigh the two use it.
     */
    default void profile(String function, double memoryMb, long coldStartMillis) {
    }

    /** An invocation of {@code function} arrived at {@code now} (warm or cold). */
    void onArrival(String function, long now);

    /** An invocation of {@code function} ended at {@code now}; {@code running} are still in flight. */
    void onEnd(String function, long now, int running);

    /** How the policy treats {@code function} at {@code now}, in a sentence for {@code ./ember info}. */
    default String explain(String function, long now) {
        return name();
    }

    /** A duration for people: {@code 45s}, {@code 10m}, {@code 2h30m}. */
    static String human(long millis) {
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        return minutes / 60 + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
    }

    /**
     * What to do with an environment of {@code function} that became idle at {@code now}.
     *
     * @param idle how many other environments of the function are idle already
     */
    IdleDecision onIdle(String function, long now, int idle);

    /**
     * How many environments of {@code function} (busy and idle) should exist at {@code now}, ahead of demand; asked
     * once a minute. Policies that do not forecast concurrency answer 0.
     */
    default int warmTarget(String function, long now) {
        return 0;
    }

    /**
     * Under memory pressure, which idle environment goes first: the one of lowest value. Asked about an idle
     * environment of {@code function} that has been idle since {@code idleSince}. By default the least recently used
     * goes first. Of one function's idle environments, one idle longer is never worth more (the simulator asks only
     * about each function's longest idle one).
     */
    default double keepValue(String function, long idleSince, long now) {
        return idleSince;
    }

    /** An idle environment of {@code function}, of {@code value}, was evicted to make room in memory. */
    default void evicted(String function, double value) {
    }

    /**
     * What happens to an idle environment.
     *
     * @param keepAliveMillis   how long it stays idle before it is evicted (0: evicted at once)
     * @param prewarmAfterMillis when positive, a new environment is started this long after now
     * @param prewarmKeepMillis  how long that pre-warmed environment is then kept
     */
    record IdleDecision(long keepAliveMillis, long prewarmAfterMillis, long prewarmKeepMillis) {
        /** Kept for {@code millis}, nothing pre-warmed. */
        public static IdleDecision keep(long millis) {
            return new IdleDecision(millis, 0, 0);
        }
    }

    /** The AWS-era baseline: every idle environment kept for {@code keepAliveMillis}. */
    static ScalingPolicy fixed(long keepAliveMillis) {
        return new FixedPolicy(keepAliveMillis);
    }

    /** Shahrad et al.'s hybrid histogram policy (ATC 2020), as published. */
    static ScalingPolicy hybrid() {
        return new HybridHistogramPolicy();
    }

    /**
     * FaasCache's greedy-dual keep-alive (Fuerst and Sharma, ASPLOS 2021): idle environments are kept until memory is
     * needed, and then the one of lowest priority goes, {@code clock + frequency × cold-start cost / memory}.
     */
    static ScalingPolicy greedyDual() {
        return new GreedyDualPolicy();
    }

    /**
     * Ember's own: a per-minute-of-day concurrency forecast for how many ahead of a climb, a learnt keep-alive window
     * for busy functions, the hybrid histogram for when the others are called next, capped by what a cold start of
     * the function is worth against its memory.
     */
    static ScalingPolicy ember() {
        return new EmberPolicy();
    }

    /** The names {@link #named} knows. */
    List<String> NAMES = List.of("fixed", "hybrid", "greedy-dual", "ember");

    /** A policy by name: {@code fixed} (10 minutes), {@code hybrid}, {@code greedy-dual} or {@code ember}. */
    static ScalingPolicy named(String name) {
        return switch (name) {
            case "fixed" -> fixed(10 * 60_000L);
            case "hybrid" -> hybrid();
            case "greedy-dual" -> greedyDual();
            case "ember" -> ember();
            default -> throw new IllegalArgumentException(
                    "unknown policy '" + name + "': fixed, hybrid, greedy-dual or ember");
        };
    }
}
