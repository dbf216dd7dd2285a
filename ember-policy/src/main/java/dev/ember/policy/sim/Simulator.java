package dev.ember.policy.sim;

import dev.ember.policy.ScalingPolicy;
import dev.ember.policy.ScalingPolicy.IdleDecision;
import dev.ember.policy.trace.TraceFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Replays a trace through a {@link ScalingPolicy}, modelling concurrency: each invocation holds an environment of its
 * function for its sampled execution time (plus the function's init time when it started cold); an arrival that
 * finds no idle environment is a cold start. Functions are independent (no memory budget yet), so each is simulated
 * on its own, in trace order. Deterministic for a seed.
 *
 * <p>Definitions (ARCHITECTURE.md): a cold start is an invocation that found no idle environment; wasted memory is
 * the memory-time of environments alive but not executing (idle, and pre-warmed but unused).
 */
public final class Simulator {
    private static final long MINUTE = 60_000;
    /** A pre-warmed environment wanted by a forecast is kept this long unless the next forecast wants it still. */
    private static final long FORECAST_HOLD = 2 * MINUTE;

    private Simulator() {
    }

    /** Runs {@code policy} over {@code trace}. */
    public static SimulationResult run(List<TraceFunction> trace, ScalingPolicy policy, long seed) {
        int minutes = trace.isEmpty() ? 0 : trace.getFirst().perMinute().length;
        double[] aliveMbByMinute = new double[minutes];
        long[] coldByMinute = new long[minutes];
        List<SimulationResult.FunctionResult> results = new ArrayList<>(trace.size());
        for (TraceFunction function : trace) {
            results.add(new FunctionRun(function, policy, seed, aliveMbByMinute, coldByMinute).run());
        }
        double peak = Arrays.stream(aliveMbByMinute).max().orElse(0);
        long[] invocationsByMinute = new long[minutes];
        for (TraceFunction function : trace) {
            for (int m = 0; m < minutes; m++) {
                invocationsByMinute[m] += function.perMinute()[m];
            }
        }
        return new SimulationResult(policy.name(), results, peak, invocationsByMinute, coldByMinute);
    }

    /** The cold-start cost of a function: 100 ms to 2 s, log-uniform, fixed per function by its key. */
    static long initMillis(TraceFunction function) {
        double u = new SplittableRandom(function.key().hashCode()).nextDouble();
        return Math.round(100 * Math.pow(20, u));
    }

    /** One function's replay. */
    private static final class FunctionRun {
        private final TraceFunction function;
        private final ScalingPolicy policy;
        private final String key;
        private final SplittableRandom random;
        private final long initMillis;
        private final double memoryMb;
        private final double[] aliveMbByMinute;
        private final long[] coldByMinute;
        private final LongHeap busyUntil = new LongHeap();
        private final PriorityQueue<long[]> prewarms = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        // Idle environments, most recently idle last: parallel stacks of idle-since and expiry.
        private long[] idleSince = new long[8];
        private long[] idleExpiry = new long[8];
        private int idle;
        private long nextTick;
        private long invocations;
        private long coldStarts;
        private double wastedMbMillis;

        FunctionRun(TraceFunction function, ScalingPolicy policy, long seed, double[] aliveMbByMinute,
                    long[] coldByMinute) {
            this.function = function;
            this.policy = policy;
            this.key = function.key();
            this.random = new SplittableRandom(seed ^ ((long) key.hashCode() << 17));
            this.initMillis = initMillis(function);
            this.memoryMb = function.memoryMb();
            this.aliveMbByMinute = aliveMbByMinute;
            this.coldByMinute = coldByMinute;
        }

        SimulationResult.FunctionResult run() {
            policy.profile(key, memoryMb, initMillis);
            int[] perMinute = function.perMinute();
            long[] arrivals = new long[16];
            for (int minute = 0; minute < perMinute.length; minute++) {
                int count = perMinute[minute];
                if (count == 0) {
                    continue;
                }
                if (arrivals.length < count) {
                    arrivals = new long[Math.max(count, arrivals.length * 2)];
                }
                long start = minute * MINUTE;
                for (int i = 0; i < count; i++) {
                    arrivals[i] = start + (long) (random.nextDouble() * MINUTE);
                }
                Arrays.sort(arrivals, 0, count);
                for (int i = 0; i < count; i++) {
                    arrive(arrivals[i]);
                }
            }
            long end = perMinute.length * MINUTE;
            advance(end);
            for (int i = 0; i < idle; i++) {
                wastedMbMillis += memoryMb * (Math.min(idleExpiry[i], end) - idleSince[i]);
            }
            return new SimulationResult.FunctionResult(function.app(), key, invocations, coldStarts,
                    wastedMbMillis / 1000 / 1024);
        }

        private void arrive(long now) {
            advance(now);
            invocations++;
            policy.onArrival(key, now);
            boolean warm = false;
            while (idle > 0) {
                idle--;
                if (idleExpiry[idle] > now) {
                    wastedMbMillis += memoryMb * (now - idleSince[idle]);
                    warm = true;
                    break;
                }
                wastedMbMillis += memoryMb * (idleExpiry[idle] - idleSince[idle]); // evicted unused
            }
            long ready = now;
            if (!warm) {
                coldStarts++;
                coldByMinute[(int) (now / MINUTE)]++;
                ready += initMillis;
            }
            busyUntil.add(ready + Math.max(1, Math.round(function.sampleDurationMs(random.nextDouble()))));
        }

        /** Processes, in time order, every end, pre-warm and minute tick up to {@code now}. */
        private void advance(long now) {
            while (true) {
                long end = busyUntil.isEmpty() ? Long.MAX_VALUE : busyUntil.peek();
                long prewarm = prewarms.isEmpty() ? Long.MAX_VALUE : prewarms.peek()[0];
                long next = Math.min(Math.min(end, prewarm), nextTick);
                if (next > now) {
                    return;
                }
                if (next == end) {
                    busyUntil.poll();
                    policy.onEnd(key, end, busyUntil.size());
                    // Idle environments as of the last minute's purge: some may have expired since, at most a minute ago.
                    IdleDecision decision = policy.onIdle(key, end, idle);
                    if (decision.keepAliveMillis() > 0) {
                        push(end, end + decision.keepAliveMillis());
                    }
                    if (decision.prewarmAfterMillis() > 0) {
                        long at = end + decision.prewarmAfterMillis();
                        prewarms.add(new long[] {at, at + decision.prewarmKeepMillis()});
                    }
                } else if (next == prewarm) {
                    long[] load = prewarms.poll();
                    push(load[0], load[1]);
                } else {
                    tick(nextTick);
                    nextTick += MINUTE;
                }
            }
        }

        /** Once a minute: drops expired idle environments, tops up to the policy's target, records memory. */
        private void tick(long now) {
            int kept = 0;
            for (int i = 0; i < idle; i++) {
                if (idleExpiry[i] > now) {
                    idleSince[kept] = idleSince[i];
                    idleExpiry[kept++] = idleExpiry[i];
                } else {
                    wastedMbMillis += memoryMb * (idleExpiry[i] - idleSince[i]);
                }
            }
            idle = kept;
            int wanted = policy.warmTarget(key, now) - busyUntil.size();
            for (int i = idle - 1; i >= 0 && wanted > 0; i--, wanted--) {
                idleExpiry[i] = Math.max(idleExpiry[i], now + FORECAST_HOLD);
            }
            while (wanted-- > 0) {
                push(now, now + FORECAST_HOLD); // started ahead of demand; its start-up counts as idle time
            }
            int minute = (int) (now / MINUTE);
            if (minute < aliveMbByMinute.length) {
                aliveMbByMinute[minute] += memoryMb * (idle + busyUntil.size());
            }
        }

        private void push(long since, long expiry) {
            if (idle == idleSince.length) {
                idleSince = Arrays.copyOf(idleSince, idle * 2);
                idleExpiry = Arrays.copyOf(idleExpiry, idle * 2);
            }
            idleSince[idle] = since;
            idleExpiry[idle++] = expiry;
        }
    }

}
