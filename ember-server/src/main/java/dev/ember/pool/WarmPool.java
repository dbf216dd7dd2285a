package dev.ember.pool;

import dev.ember.policy.ScalingPolicy;
import dev.ember.policy.ScalingPolicy.IdleDecision;
import dev.ember.registry.FunctionVersion;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Idle execution environments, per function version, waiting to be reused (a warm start), and the
 * {@link ScalingPolicy} that decides how long each is kept and which are started ahead of demand. Time is the injected
 * clock's; {@link #evictExpired()} destroys the environments past their time, {@link #makeRoom} the ones of least
 * value when memory is needed.
 *
 * <p>The server's policy drives every function, unless a function names another in its environment variable
 * {@value #POLICY_VARIABLE}; the server's policy still sees every function's calls, because it ranks all idle
 * environments against each other under memory pressure. Environments started for provisioned concurrency are kept
 * whatever the policy says and are never evicted for memory.
 *
 * <p>Environments are kept by {@link EnvironmentKey}: after {@code $LATEST} gets new code or configuration,
 * environments of the old one are never handed out again. Policies are not thread-safe; the pool calls them under its
 * own lock.
 */
public final class WarmPool implements AutoCloseable {
    /** A function's environment variable naming the scaling policy that drives it instead of the server's. */
    public static final String POLICY_VARIABLE = "EMBER_POLICY";
    /** How late a known call may arrive and still be it (the asynchronous path retries a throttled one). */
    private static final Duration CALL_LATENESS = Duration.ofMinutes(5);
    /** How long an environment waiting for a known call stays past the call's time, should its delivery be late. */
    private static final Duration KEEP_PAST_CALL = Duration.ofSeconds(30);
    /** Before a known call, at least this long plus the housekeeping interval; three cold starts if that is more. */
    private static final Duration MIN_LEAD = Duration.ofSeconds(10);
    private static final Duration MAX_LEAD = Duration.ofMinutes(5);
    /** A cold start not measured yet is taken to last this long. */
    private static final long UNKNOWN_COLD_START_MILLIS = 10_000;
    /**
     * Calls closer together than this (or than the lead) keep the environment across: starting another so soon
     * would cost a cold start's CPU to save little memory.
     */
    private static final Duration KEEP_ACROSS_CALLS = Duration.ofMinutes(1);

    private final ScalingPolicy policy;
    private final Map<String, ScalingPolicy> overrides = new HashMap<>();
    private final InstantSource clock;
    private final Map<EnvironmentKey, Deque<Idle>> idle = new HashMap<>();
    private static final Deque<Idle> EMPTY = new ArrayDeque<>(0);
    /** Function versions seen recently, for forecasts: the policy is asked about each. */
    private final Map<String, FunctionVersion> known = new LinkedHashMap<>();
    private final List<Prewarm> prewarms = new ArrayList<>();
    /** Per function key: when it was last called other than by a known call (a schedule), in clock millis. */
    private final Map<String, Long> unscheduledAt = new HashMap<>();
    /** Per function key: what its last cold start (or pre-warm) took, in clock millis. */
    private final Map<String, Long> coldStartMillis = new HashMap<>();
    /** Per function key: memory held by idle environments over time, in MB·ms of the clock, since the pool began. */
    private final Map<String, Long> idleMbMillis = new HashMap<>();
    private volatile KnownCalls calls = KnownCalls.NONE;
    private volatile Duration housekeeping = Duration.ofSeconds(5);
    private int idleCount;
    private boolean closed;

    /**
     * An idle environment.
     *
     * @param timed whether it waits for a known call (started for one, or kept until one), not for the policy
     */
    private record Idle(ExecutionEnvironment environment, Instant idleSince, Instant expiresAt, boolean timed) {
        /** The memory it has held idle by {@code now}, up to its keep-alive: past that it was the policy's to free. */
        long heldMbMillis(Instant now) {
            Instant end = now.isAfter(expiresAt) ? expiresAt : now;
            return Math.max(0, end.toEpochMilli() - idleSince.toEpochMilli())
                    * environment.version().config().memoryMb();
        }
    }

    /**
     * An environment to start ahead of demand.
     *
     * @param version what to start
     * @param at      when
     * @param keep    how long it may then stay idle
     * @param timed   whether it is for a known call ({@link KnownCalls})
     */
    public record Prewarm(FunctionVersion version, Instant at, Duration keep, boolean timed) {
        /** Started for the policy or a forecast, not for a known call. */
        public static Prewarm ahead(FunctionVersion version, Duration keep) {
            return new Prewarm(version, Instant.EPOCH, keep, false);
        }
    }

    /**
     * @param policy decides keep-alives and pre-warming
     * @param clock  the time keep-alives are measured on
     */
    public WarmPool(ScalingPolicy policy, InstantSource clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Calls known ahead of time from now on, such as schedules' fires: an environment is started shortly before each
     * (at least {@code housekeeping} earlier, as that is how often {@link #timerStarts} is asked), and a function only
     * such calls reach is let go after its call when the next one is far away.
     */
    public void expect(KnownCalls known, Duration housekeeping) {
        this.calls = known;
        this.housekeeping = housekeeping;
    }

    /** The server's policy's name, for reports. */
    public String policyName() {
        return policy.name();
    }

    /** The policy that drives {@code version}: the one its {@value #POLICY_VARIABLE} names, else the server's. */
    private ScalingPolicy policyOf(FunctionVersion version) {
        String name = version.config().environment().get(POLICY_VARIABLE);
        if (name == null || name.equals(policy.name())) {
            return policy;
        }
        return overrides.computeIfAbsent(name, ScalingPolicy::named);
    }

    /**
     * Tells {@code event} to the policy that drives {@code version} and, when that is another, to the server's, which
     * ranks every idle environment under memory pressure.
     */
    private void tell(FunctionVersion version, Consumer<ScalingPolicy> event) {
        ScalingPolicy own = policyOf(version);
        event.accept(own);
        if (own != policy) {
            event.accept(policy);
        }
    }

    /** An invocation of {@code version} arrived (warm or cold). */
    public void arrived(FunctionVersion version) {
        String key = EnvironmentKey.of(version).functionKey();
        Instant now = clock.instant();
        // A known call is delivered at its time, or later after retries of the asynchronous path.
        Instant due = calls.next(version, now.minus(CALL_LATENESS));
        boolean scheduled = due != null && !due.isAfter(now);
        synchronized (this) {
            known.putIfAbsent(key, version);
            if (!scheduled) {
                unscheduledAt.put(key, now.toEpochMilli());
            }
            tell(version, p -> p.onArrival(key, now.toEpochMilli()));
        }
    }

    /** An invocation of {@code version} ended; {@code running} are still in flight. */
    public synchronized void ended(FunctionVersion version, int running) {
        String key = EnvironmentKey.of(version).functionKey();
        long now = clock.millis();
        tell(version, p -> p.onEnd(key, now, running));
    }

    /** What a cold start of {@code version} took: the policy weighs it against the function's memory. */
    public synchronized void coldStartTook(FunctionVersion version, long millis) {
        String key = EnvironmentKey.of(version).functionKey();
        coldStartMillis.put(key, millis);
        tell(version, p -> p.profile(key, version.config().memoryMb(), millis));
    }

    /**
     * An idle environment for {@code version}, or null when there is none: one kept for provisioned concurrency if
     * there is one (as Lambda uses them first), else the most recently used.
     */
    public ExecutionEnvironment take(FunctionVersion version) {
        List<ExecutionEnvironment> dead = new ArrayList<>();
        ExecutionEnvironment found = null;
        Instant now = clock.instant();
        synchronized (this) {
            Deque<Idle> environments = idle.get(EnvironmentKey.of(version));
            while (found == null && environments != null && !environments.isEmpty()) {
                Idle candidate = environments.stream().filter(i -> i.environment().provisioned()).findFirst()
                        .orElse(environments.peekFirst());
                environments.remove(candidate);
                idleCount--;
                leftIdle(candidate, now);
                // Past its keep-alive it is gone, whether or not housekeeping came by yet: the policy said so.
                if (candidate.environment().isUsable() && candidate.expiresAt().isAfter(now)) {
                    found = candidate.environment();
                } else {
                    dead.add(candidate.environment());
                }
            }
        }
        dead.forEach(ExecutionEnvironment::destroy);
        return found;
    }

    /**
     * Returns an environment after an invocation. The policy says how long it stays, or that it goes now and another
     * is started later ({@link #duePrewarms()}). After {@link #close()} it is destroyed.
     */
    public void put(ExecutionEnvironment environment) {
        EnvironmentKey key = EnvironmentKey.of(environment.version());
        Instant now = clock.instant();
        Instant nextCall = environment.provisioned() ? null : calls.next(environment.version(), now);
        synchronized (this) {
            if (!closed) {
                Deque<Idle> queue = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
                if (environment.provisioned()) {
                    queue.addFirst(new Idle(environment, now, Instant.MAX, false));
                    idleCount++;
                    return;
                }
                String functionKey = key.functionKey();
                ScalingPolicy own = policyOf(environment.version());
                IdleDecision decision = own.onIdle(functionKey, now.toEpochMilli(), queue.size());
                if (own != policy) {
                    policy.onIdle(functionKey, now.toEpochMilli(), queue.size()); // for its ranking only
                }
                Instant until = nextCall == null ? null : keepUntil(functionKey, now, nextCall, decision);
                if (until != null) {
                    // A timer's function: what the policy planned is replaced by the known next call.
                    if (until.isAfter(now)) {
                        queue.addFirst(new Idle(environment, now, until, true));
                        idleCount++;
                        return;
                    }
                } else {
                    if (decision.prewarmAfterMillis() > 0) {
                        prewarms.add(new Prewarm(environment.version(),
                                now.plusMillis(decision.prewarmAfterMillis()),
                                Duration.ofMillis(decision.prewarmKeepMillis()), false));
                    }
                    if (decision.keepAliveMillis() > 0) {
                        queue.addFirst(new Idle(environment, now, now.plusMillis(decision.keepAliveMillis()), false));
                        idleCount++;
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    idle.remove(key);
                }
            }
        }
        environment.destroy();
    }

    /**
     * For an environment of a function whose next call is known: how long it stays, or null when the policy decides.
     * The policy decides while other calls reach the function (one arrived within the keep-alive it asks for: that
     * keep-alive is for them). Otherwise the environment waits for the next call if that is near (within the lead, or
     * a minute), and goes now (the epoch) if not: {@link #timerStarts} starts another just before it.
     */
    private Instant keepUntil(String functionKey, Instant now, Instant nextCall, IdleDecision decision) {
        Long unscheduled = unscheduledAt.get(functionKey);
        if (unscheduled != null && now.toEpochMilli() - unscheduled <= decision.keepAliveMillis()) {
            return null;
        }
        Duration gap = Duration.between(now, nextCall);
        Duration lead = lead(functionKey);
        if (gap.compareTo(lead) <= 0 || gap.compareTo(KEEP_ACROSS_CALLS) <= 0) {
            return nextCall.plus(KEEP_PAST_CALL);
        }
        return Instant.EPOCH;
    }

    /** How long before a known call of the function its environment is started. */
    private Duration lead(String functionKey) {
        long coldStart = coldStartMillis.getOrDefault(functionKey, UNKNOWN_COLD_START_MILLIS);
        long lead = housekeeping.toMillis() + Math.max(MIN_LEAD.toMillis(), 3 * coldStart);
        return Duration.ofMillis(Math.min(lead, MAX_LEAD.toMillis()));
    }

    /**
     * The environments to start now for known calls: each call due within its function's lead that no environment
     * busy or starting ({@code busy}, by function key) or idle until past the call will take. Each is kept until a
     * little past its call.
     */
    public List<Prewarm> timerStarts(Map<String, Integer> busy) {
        Instant now = clock.instant();
        List<KnownCalls.Call> due = calls.due(now, now.plus(housekeeping).plus(MAX_LEAD));
        if (due.isEmpty()) {
            return List.of();
        }
        List<Prewarm> starts = new ArrayList<>();
        synchronized (this) {
            Map<EnvironmentKey, Integer> covered = new HashMap<>();
            for (KnownCalls.Call call : due) {
                EnvironmentKey key = EnvironmentKey.of(call.version());
                String functionKey = key.functionKey();
                if (Duration.between(now, call.at()).compareTo(lead(functionKey)) > 0) {
                    continue;
                }
                int have = covered.computeIfAbsent(key, k -> busy.getOrDefault(functionKey, 0) + (int) idle
                        .getOrDefault(k, EMPTY).stream()
                        .filter(i -> i.environment().isUsable() && i.expiresAt().isAfter(call.at())).count());
                if (have > 0) {
                    covered.put(key, have - 1);
                } else {
                    starts.add(new Prewarm(call.version(), now,
                            Duration.between(now, call.at()).plus(KEEP_PAST_CALL), true));
                }
            }
        }
        return starts;
    }

    /** Counts the memory {@code left} held while idle. */
    private void leftIdle(Idle left, Instant now) {
        idleMbMillis.merge(EnvironmentKey.of(left.environment().version()).functionKey(), left.heldMbMillis(now),
                Long::sum);
    }

    /** Adds an environment started ahead of demand; it stays idle for {@code keep} (provisioned ones until retired). */
    public void putPrewarmed(ExecutionEnvironment environment, Prewarm prewarm) {
        synchronized (this) {
            if (!closed) {
                Instant now = clock.instant();
                idle.computeIfAbsent(EnvironmentKey.of(environment.version()), k -> new ArrayDeque<>())
                        .addLast(new Idle(environment, now, environment.provisioned() ? Instant.MAX
                                : now.plus(prewarm.keep()), prewarm.timed()));
                idleCount++;
                return;
            }
        }
        environment.destroy();
    }

    /**
     * Makes room for {@code mb} more in {@code budget}: reserves them if they are free, else evicts idle environments,
     * the one the server's policy values least first (never provisioned ones, and those waiting for a known call
     * last), until they are. Returns whether
     * {@code mb} are now reserved; when not even evicting every idle environment frees enough, nothing is evicted.
     */
    public boolean makeRoom(MemoryBudget budget, long mb) {
        if (budget.tryReserve(mb)) {
            return true;
        }
        while (true) {
            Idle victim;
            synchronized (this) {
                long now = clock.millis();
                long evictable = 0;
                victim = null;
                double lowest = Double.POSITIVE_INFINITY;
                for (Deque<Idle> queue : idle.values()) {
                    for (Idle candidate : queue) {
                        if (candidate.environment().provisioned()) {
                            continue;
                        }
                        evictable += candidate.environment().version().config().memoryMb();
                        // One waiting for a known call is as good as used: it goes last.
                        double value = !candidate.environment().isUsable() ? Double.NEGATIVE_INFINITY
                                : candidate.timed() ? Double.MAX_VALUE : policy.keepValue(
                                EnvironmentKey.of(candidate.environment().version()).functionKey(),
                                candidate.idleSince().toEpochMilli(), now);
                        if (value < lowest) {
                            lowest = value;
                            victim = candidate;
                        }
                    }
                }
                if (victim == null || budget.capacityMb() - budget.usedMb() + evictable < mb) {
                    return false;
                }
                EnvironmentKey key = EnvironmentKey.of(victim.environment().version());
                Deque<Idle> queue = idle.get(key);
                queue.remove(victim);
                if (queue.isEmpty()) {
                    idle.remove(key);
                }
                idleCount--;
                leftIdle(victim, Instant.ofEpochMilli(now));
                if (lowest != Double.NEGATIVE_INFINITY && !victim.timed()) { // the policy ranked it
                    policy.evicted(key.functionKey(), lowest);
                }
            }
            victim.environment().destroy(); // gives its memory back to the budget
            if (budget.tryReserve(mb)) {
                return true;
            }
        }
    }

    /** Destroys up to {@code excess} idle provisioned environments of {@code version} (its configuration shrank). */
    public int retireProvisioned(FunctionVersion version, int excess) {
        EnvironmentKey key = EnvironmentKey.of(version);
        int[] left = {excess};
        return evict(candidate -> candidate.environment().provisioned() && left[0]-- > 0
                && EnvironmentKey.of(candidate.environment().version()).equals(key));
    }

    /** The pre-warms whose time has come, removed from the plan. */
    public synchronized List<Prewarm> duePrewarms() {
        Instant now = clock.instant();
        List<Prewarm> due = new ArrayList<>();
        for (Iterator<Prewarm> it = prewarms.iterator(); it.hasNext(); ) {
            Prewarm prewarm = it.next();
            if (!prewarm.at().isAfter(now)) {
                due.add(prewarm);
                it.remove();
            }
        }
        return due;
    }

    /**
     * For each function version seen, how many more environments the policy wants than {@code running} (busy, by
     * function key) and idle ones give: environments to start now, ahead of demand.
     */
    public synchronized Map<FunctionVersion, Integer> shortfalls(Map<String, Integer> running) {
        Map<FunctionVersion, Integer> shortfalls = new LinkedHashMap<>();
        long now = clock.millis();
        for (Map.Entry<String, FunctionVersion> entry : known.entrySet()) {
            int target = policyOf(entry.getValue()).warmTarget(entry.getKey(), now);
            if (target <= 0) {
                continue;
            }
            Deque<Idle> queue = idle.get(EnvironmentKey.of(entry.getValue()));
            int have = running.getOrDefault(entry.getKey(), 0) + (queue == null ? 0 : queue.size());
            if (target > have) {
                shortfalls.put(entry.getValue(), target - have);
            }
        }
        return shortfalls;
    }

    /**
     * What the pool and its policy do with one function version now.
     *
     * @param policy          the policy's name
     * @param explanation     the policy's own account of its decision
     * @param idle            environments idle now
     * @param plannedPrewarms environments planned to start later
     * @param nextPrewarm     when the next one starts, or null
     * @param nextKnownCall   when the next call known ahead (a schedule's) is due, or null
     * @param idleMbSeconds   memory its idle environments held, over time, since the server started (MB × seconds
     *                        of the clock; an environment counts until it is taken or its keep-alive ends)
     */
    public record Scaling(String policy, String explanation, int idle, int plannedPrewarms, Instant nextPrewarm,
                          Instant nextKnownCall, double idleMbSeconds) {
    }

    /** What the pool and its policy do with {@code version} now. */
    public Scaling scaling(FunctionVersion version) {
        Instant now = clock.instant();
        Instant nextCall = calls.next(version, now);
        synchronized (this) {
            EnvironmentKey key = EnvironmentKey.of(version);
            String functionKey = key.functionKey();
            Deque<Idle> queue = idle.get(key);
            List<Prewarm> planned = prewarms.stream().filter(p -> EnvironmentKey.of(p.version()).equals(key))
                    .toList();
            Instant next = planned.stream().map(Prewarm::at).min(Instant::compareTo).orElse(null);
            ScalingPolicy own = policyOf(version);
            String explanation = own.explain(functionKey, now.toEpochMilli());
            if (nextCall != null) {
                Long unscheduled = unscheduledAt.get(functionKey);
                explanation += "; a schedule calls it next at " + nextCall + ": an environment is started "
                        + ScalingPolicy.human(lead(functionKey).toMillis()) + " ahead"
                        + (unscheduled == null ? " and let go after the call when the next is more than "
                        + ScalingPolicy.human(Math.max(KEEP_ACROSS_CALLS.toMillis(), lead(functionKey).toMillis()))
                        + " away" : " (other calls reach it too, so the policy keeps what it keeps)");
            }
            long idleMillis = idleMbMillis.getOrDefault(functionKey, 0L);
            if (queue != null) {
                for (Idle waiting : queue) {
                    idleMillis += waiting.heldMbMillis(now);
                }
            }
            return new Scaling(own.name(), explanation, queue == null ? 0 : queue.size(), planned.size(), next,
                    nextCall, idleMillis / 1000.0);
        }
    }

    /** Destroys the idle environments whose keep-alive has expired; returns how many. */
    public int evictExpired() {
        Instant now = clock.instant();
        return evict(idleEnv -> !idleEnv.expiresAt().isAfter(now) || !idleEnv.environment().isUsable());
    }

    /**
     * Destroys the idle environments of a function whose version is {@code stale} (its code or configuration
     * changed, or it was deleted); returns how many. Planned pre-warms of it are dropped too.
     */
    public int evictStale(String functionName, Predicate<FunctionVersion> stale) {
        synchronized (this) {
            prewarms.removeIf(p -> p.version().name().equals(functionName) && stale.test(p.version()));
            known.values().removeIf(v -> v.name().equals(functionName) && stale.test(v));
        }
        return evict(idleEnv -> idleEnv.environment().version().name().equals(functionName)
                && stale.test(idleEnv.environment().version()));
    }

    /** How many environments are idle now. */
    public synchronized int idleCount() {
        return idleCount;
    }

    private int evict(Predicate<Idle> condemned) {
        List<ExecutionEnvironment> evicted = new ArrayList<>();
        Instant now = clock.instant();
        synchronized (this) {
            for (Iterator<Deque<Idle>> queues = idle.values().iterator(); queues.hasNext(); ) {
                Deque<Idle> queue = queues.next();
                for (Iterator<Idle> it = queue.iterator(); it.hasNext(); ) {
                    Idle candidate = it.next();
                    if (condemned.test(candidate)) {
                        it.remove();
                        idleCount--;
                        leftIdle(candidate, now);
                        evicted.add(candidate.environment());
                    }
                }
                if (queue.isEmpty()) {
                    queues.remove();
                }
            }
        }
        evicted.forEach(ExecutionEnvironment::destroy);
        return evicted.size();
    }

    /** Destroys every idle environment, and any returned from now on. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            prewarms.clear();
        }
        evict(idleEnv -> true);
    }
}
