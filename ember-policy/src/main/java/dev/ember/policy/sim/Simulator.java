package dev.ember.policy.sim;

import dev.ember.policy.ScalingPolicy;
import dev.ember.policy.ScalingPolicy.IdleDecision;
import dev.ember.policy.trace.TraceFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/**
 * Replays a trace through a {@link ScalingPolicy}, modelling concurrency: each invocation holds an environment of its
 * function for its sampled execution time (plus the function's init time when it started cold); an arrival that
 * finds no idle environment is a cold start. Deterministic for a seed.
 *
 * <p>All functions advance together, minute by minute: each minute, every function first runs its events up to the
 * minute's start (ends, pre-warms, and the once-a-minute purge and forecast), then every function in trace order runs
 * that minute's arrivals, with the ends and pre-warms between them. So functions interleave at minute granularity:
 * within a minute, an earlier function in the trace takes memory before a later one, whatever the seconds say, and an
 * environment may be evicted by a function that is a few seconds behind its owner.
 *
 * <p>With a memory budget, the environments of all functions (busy, idle and pre-warmed, each holding its function's
 * memory) share it. A cold start that does not fit first drops idle environments that have expired everywhere, then
 * evicts the idle environment of lowest {@link ScalingPolicy#keepValue} across all functions, one at a time, until it
 * fits; if even evicting every idle environment would not be enough, the invocation is dropped, and nothing evicted
 * (the live server would answer it with a 429). Pre-warms and forecast starts never evict: they use free memory or
 * are skipped. Without a budget nothing is ever evicted, and functions are independent.
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

    /** Runs {@code policy} over {@code trace} without a memory budget. */
    public static SimulationResult run(List<TraceFunction> trace, ScalingPolicy policy, long seed) {
        return run(trace, policy, seed, Double.POSITIVE_INFINITY);
    }

    /**
     * Runs {@code policy} over {@code trace} with at most {@code budgetMb} of memory held by environments at any time.
     * For example {@code run(trace, ScalingPolicy.greedyDual(), 1, 16 * 1024)} gives greedy-dual 16 GB.
     *
     * @param budgetMb the memory all environments share, in MB; {@link Double#POSITIVE_INFINITY} for no budget
     * @throws IllegalArgumentException if {@code budgetMb} is not positive
     */
    public static SimulationResult run(List<TraceFunction> trace, ScalingPolicy policy, long seed, double budgetMb) {
        return run(trace, policy, seed, budgetMb, Simulator::initMillis);
    }

    /**
     * As {@link #run(List, ScalingPolicy, long, double)}, with each function's cold-start time given rather than
     * modelled: {@code ./ember replay} passes what the live server measured, to compare like with like.
     */
    public static SimulationResult run(List<TraceFunction> trace, ScalingPolicy policy, long seed, double budgetMb,
                                       ToLongFunction<TraceFunction> initMillis) {
        if (!(budgetMb > 0)) {
            throw new IllegalArgumentException("budgetMb must be positive, was " + budgetMb);
        }
        int minutes = trace.isEmpty() ? 0 : trace.getFirst().perMinute().length;
        double[] aliveMbByMinute = new double[minutes];
        double[] busyMbByMinute = new double[minutes];
        long[] coldByMinute = new long[minutes];
        Memory memory = new Memory(policy, budgetMb == Double.POSITIVE_INFINITY ? Long.MAX_VALUE
                : (long) Math.floor(budgetMb * 1024), trace.size());
        for (TraceFunction function : trace) {
            memory.add(new FunctionRun(function, policy, seed, initMillis.applyAsLong(function), memory,
                    aliveMbByMinute, busyMbByMinute, coldByMinute));
        }
        for (int minute = 0; minute < minutes; minute++) {
            // Every function's purge and forecast before anyone's arrivals: nothing is evicted in between, so the
            // memory sampled at the minute's start is what all functions held together, within the budget.
            long start = minute * MINUTE;
            for (FunctionRun run : memory.runs) {
                run.advance(start);
            }
            for (FunctionRun run : memory.runs) {
                run.arrivals(minute);
            }
        }
        List<SimulationResult.FunctionResult> results = new ArrayList<>(trace.size());
        for (FunctionRun run : memory.runs) {
            results.add(run.finish(minutes * MINUTE));
        }
        double peak = Arrays.stream(aliveMbByMinute).max().orElse(0);
        long[] invocationsByMinute = new long[minutes];
        for (TraceFunction function : trace) {
            for (int m = 0; m < minutes; m++) {
                invocationsByMinute[m] += function.perMinute()[m];
            }
        }
        return new SimulationResult(policy.name(), results, peak, invocationsByMinute, coldByMinute, aliveMbByMinute,
                busyMbByMinute);
    }

    /** The cold-start cost of a function: 100 ms to 2 s, log-uniform, fixed per function by its key. */
    static long initMillis(TraceFunction function) {
        double u = new SplittableRandom(function.key().hashCode()).nextDouble();
        return Math.round(100 * Math.pow(20, u));
    }

    /**
     * The memory all environments share, in KB (whole numbers, so that taking and giving back never drifts; each
     * function's memory rounded up, so the budget holds for the exact amounts too).
     */
    private static final class Memory {
        private final ScalingPolicy policy;
        private final long budgetKb;
        private final List<FunctionRun> runs;
        private long aliveKb;
        private long idleKb;
        /** No idle environment expires before this: until then there is nothing to drop, and no need to look. */
        private long earliestExpiry = Long.MAX_VALUE;

        Memory(ScalingPolicy policy, long budgetKb, int functions) {
            this.policy = policy;
            this.budgetKb = budgetKb;
            this.runs = new ArrayList<>(functions);
        }

        void add(FunctionRun run) {
            runs.add(run);
        }

        /**
         * Takes {@code kb} for a new environment at {@code now}: from free memory, else after dropping expired idle
         * environments, else ({@code evict}) after evicting idle ones. False, with nothing taken, if it does not fit.
         */
        boolean take(long kb, long now, boolean evict) {
            if (kb > budgetKb - aliveKb) {
                if (now >= earliestExpiry) {
                    long earliest = Long.MAX_VALUE;
                    for (FunctionRun run : runs) {
                        earliest = Math.min(earliest, run.dropExpired(now));
                    }
                    earliestExpiry = earliest;
                }
                // Evictions that cannot make room (busy environments hold too much) would only cost cold starts.
                if (kb > budgetKb - aliveKb + (evict ? idleKb : 0)) {
                    return false;
                }
                while (kb > budgetKb - aliveKb) {
                    evictLowest(now); // one at a time: an eviction may change the policy's values (greedy-dual's clock)
                }
            }
            aliveKb += kb;
            return true;
        }

        /** A busy environment is gone. */
        void release(long kb) {
            aliveKb -= kb;
        }

        /** An environment is idle until {@code expiry}. */
        void idled(long kb, long expiry) {
            idleKb += kb;
            earliestExpiry = Math.min(earliestExpiry, expiry);
        }

        /** An idle environment is busy again. */
        void reused(long kb) {
            idleKb -= kb;
        }

        /** An idle environment is gone. */
        void releaseIdle(long kb) {
            idleKb -= kb;
            aliveKb -= kb;
        }

        /**
         * Evicts the idle environment of lowest value; there is one. Each function offers its longest idle one, which
         * no policy values above its more recently idle ones.
         */
        private void evictLowest(long now) {
            FunctionRun lowest = null;
            double lowestValue = Double.POSITIVE_INFINITY;
            for (FunctionRun run : runs) {
                if (run.idle > 0) {
                    double value = policy.keepValue(run.key, run.idleSince[0], now);
                    if (lowest == null || value < lowestValue) {
                        lowest = run;
                        lowestValue = value;
                    }
                }
            }
            lowest.evictLongestIdle(now);
            policy.evicted(lowest.key, lowestValue);
        }
    }

    /** One function's replay. */
    private static final class FunctionRun {
        private final TraceFunction function;
        private final ScalingPolicy policy;
        private final String key;
        private final Schedule schedule;
        private final long initMillis;
        private final double memoryMb;
        private final long memoryKb;
        private final Memory memory;
        private final double[] aliveMbByMinute;
        private final double[] busyMbByMinute;
        private final long[] coldByMinute;
        private final LongHeap busyUntil = new LongHeap();
        private final PriorityQueue<long[]> prewarms = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        // Idle environments, most recently idle last (so idle-since ascends): parallel stacks of idle-since and expiry.
        private long[] idleSince = new long[8];
        private long[] idleExpiry = new long[8];
        private int idle;
        private long nextTick;
        private long invocations;
        private long coldStarts;
        private long dropped;
        private double wastedMbMillis;

        FunctionRun(TraceFunction function, ScalingPolicy policy, long seed, long initMillis, Memory memory,
                    double[] aliveMbByMinute, double[] busyMbByMinute, long[] coldByMinute) {
            this.function = function;
            this.policy = policy;
            this.key = function.key();
            this.schedule = new Schedule(function, seed);
            this.initMillis = initMillis;
            this.memoryMb = function.memoryMb();
            this.memoryKb = (long) Math.ceil(memoryMb * 1024);
            this.memory = memory;
            this.aliveMbByMinute = aliveMbByMinute;
            this.busyMbByMinute = busyMbByMinute;
            this.coldByMinute = coldByMinute;
            policy.profile(key, memoryMb, initMillis);
        }

        /** Runs the arrivals of {@code minute}, at random times within it, in time order. */
        void arrivals(int minute) {
            int count = function.perMinute()[minute];
            if (count == 0) {
                return;
            }
            long[] arrivals = schedule.arrivals(minute, count);
            for (int i = 0; i < count; i++) {
                arrive(arrivals[i]);
            }
        }

        /** Runs what is left up to {@code end} and counts the idle environments' memory up to then. */
        SimulationResult.FunctionResult finish(long end) {
            advance(end);
            for (int i = 0; i < idle; i++) {
                wastedMbMillis += memoryMb * (Math.min(idleExpiry[i], end) - idleSince[i]);
            }
            return new SimulationResult.FunctionResult(function.app(), key, invocations, coldStarts, dropped,
                    wastedMbMillis / 1000 / 1024);
        }

        private void arrive(long now) {
            advance(now);
            invocations++;
            policy.onArrival(key, now);
            // Drawn whatever happens next, so that a budget changes no other invocation's execution time.
            long duration = schedule.duration();
            boolean warm = false;
            while (idle > 0) {
                idle--;
                if (idleExpiry[idle] > now) {
                    wastedMbMillis += memoryMb * (now - idleSince[idle]);
                    memory.reused(memoryKb);
                    warm = true;
                    break;
                }
                wastedMbMillis += memoryMb * (idleExpiry[idle] - idleSince[idle]); // evicted unused
                memory.releaseIdle(memoryKb);
            }
            long ready = now;
            if (!warm) {
                if (!memory.take(memoryKb, now, true)) {
                    dropped++;
                    policy.onEnd(key, now, busyUntil.size()); // as the live server does when a start fails
                    return;
                }
                coldStarts++;
                coldByMinute[(int) (now / MINUTE)]++;
                ready += initMillis;
            }
            busyUntil.add(ready + duration);
        }

        /** Processes, in time order, every end, pre-warm and minute tick up to {@code now}. */
        void advance(long now) {
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
                    // Idle environments as of the last minute's purge: some may have expired since, at most a minute
                    // ago.
                    IdleDecision decision = policy.onIdle(key, end, idle);
                    if (decision.keepAliveMillis() > 0) {
                        push(end, end + decision.keepAliveMillis());
                    } else {
                        memory.release(memoryKb);
                    }
                    if (decision.prewarmAfterMillis() > 0) {
                        long at = end + decision.prewarmAfterMillis();
                        prewarms.add(new long[] {at, at + decision.prewarmKeepMillis()});
                    }
                } else if (next == prewarm) {
                    long[] load = prewarms.poll();
                    if (memory.take(memoryKb, load[0], false)) {
                        push(load[0], load[1]);
                    }
                } else {
                    tick(nextTick);
                    nextTick += MINUTE;
                }
            }
        }

        /** Once a minute: drops expired idle environments, tops up to the policy's target, records memory. */
        private void tick(long now) {
            dropExpired(now);
            int wanted = policy.warmTarget(key, now) - busyUntil.size();
            for (int i = idle - 1; i >= 0 && wanted > 0; i--, wanted--) {
                idleExpiry[i] = Math.max(idleExpiry[i], now + FORECAST_HOLD);
            }
            while (wanted-- > 0 && memory.take(memoryKb, now, false)) {
                push(now, now + FORECAST_HOLD); // started ahead of demand; its start-up counts as idle time
            }
            int minute = (int) (now / MINUTE);
            if (minute < aliveMbByMinute.length) {
                aliveMbByMinute[minute] += memoryMb * (idle + busyUntil.size());
                busyMbByMinute[minute] += memoryMb * busyUntil.size();
            }
        }

        /**
         * Drops the idle environments expired by {@code now}; they were idle until their expiry. Returns the earliest
         * expiry of those kept.
         */
        long dropExpired(long now) {
            int kept = 0;
            long earliest = Long.MAX_VALUE;
            for (int i = 0; i < idle; i++) {
                if (idleExpiry[i] > now) {
                    earliest = Math.min(earliest, idleExpiry[i]);
                    idleSince[kept] = idleSince[i];
                    idleExpiry[kept++] = idleExpiry[i];
                } else {
                    wastedMbMillis += memoryMb * (idleExpiry[i] - idleSince[i]);
                    memory.releaseIdle(memoryKb);
                }
            }
            idle = kept;
            return earliest;
        }

        /**
         * Evicts the environment idle longest. Its owner may be ahead of {@code now} within the minute, so it is idle
         * at least from its idle-since, and at most until its expiry.
         */
        void evictLongestIdle(long now) {
            long until = Math.min(idleExpiry[0], Math.max(now, idleSince[0]));
            wastedMbMillis += memoryMb * (until - idleSince[0]);
            memory.releaseIdle(memoryKb);
            idle--;
            System.arraycopy(idleSince, 1, idleSince, 0, idle);
            System.arraycopy(idleExpiry, 1, idleExpiry, 0, idle);
        }

        private void push(long since, long expiry) {
            if (idle == idleSince.length) {
                idleSince = Arrays.copyOf(idleSince, idle * 2);
                idleExpiry = Arrays.copyOf(idleExpiry, idle * 2);
            }
            idleSince[idle] = since;
            idleExpiry[idle++] = expiry;
            memory.idled(memoryKb, expiry);
        }
    }
}
