package dev.ember.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * FaasCache's greedy-dual keep-alive (Fuerst and Sharma, "FaasCache: Keeping Serverless Computing Alive with
 * Greedy-Dual Caching", ASPLOS 2021): keep-alive as caching. Idle environments are never let go on a timer; when
 * memory is needed, the idle environment of lowest priority is evicted, where
 * {@code priority = clock + frequency × cost / size}: frequency is the function's invocations, cost its cold-start
 * time, size its memory, and the clock is raised to each evicted priority, so environments used since then outrank
 * those idle from before.
 *
 * <p>One deviation, noted: FaasCache stamps the priority on each container at its last use; here all idle
 * environments of a function share the priority of its latest idle one (frequency, cost and size are the function's
 * anyway; only the clock term differs). Without a memory budget nothing is ever evicted, which is the policy's point.
 */
final class GreedyDualPolicy implements ScalingPolicy {
    /** Kept until evicted: far enough not to overflow when added to any time. */
    private static final long UNTIL_EVICTED = Long.MAX_VALUE / 4;

    private final Map<String, Function> functions = new HashMap<>();
    private double clock;

    private static final class Function {
        long frequency;
        double costPerMb = 1.0 / 128; // until profiled: 1 ms of cold start per 128 MB
        double priority;
    }

    private Function function(String name) {
        return functions.computeIfAbsent(name, n -> new Function());
    }

    @Override
    public String name() {
        return "greedy-dual";
    }

    @Override
    public void profile(String function, double memoryMb, long coldStartMillis) {
        function(function).costPerMb = Math.max(1, coldStartMillis) / Math.max(1, memoryMb);
    }

    @Override
    public void onArrival(String function, long now) {
        function(function).frequency++;
    }

    @Override
    public void onEnd(String function, long now, int running) {
    }

    @Override
    public IdleDecision onIdle(String function, long now, int idle) {
        Function f = function(function);
        f.priority = clock + f.frequency * f.costPerMb;
        return IdleDecision.keep(UNTIL_EVICTED);
    }

    @Override
    public double keepValue(String function, long idleSince, long now) {
        return function(function).priority;
    }

    @Override
    public void evicted(String function, double value) {
        clock = Math.max(clock, value);
    }

    @Override
    public String explain(String function, long now) {
        Function f = function(function);
        return "keeps idle environments until memory is needed (greedy-dual priority %.1f, clock %.1f)"
                .formatted(f.priority, clock);
    }
}
