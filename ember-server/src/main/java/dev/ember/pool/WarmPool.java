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
import java.util.function.Predicate;

/**
 * Idle execution environments, per function version, waiting to be reused (a warm start), and the
 * {@link ScalingPolicy} that decides how long each is kept and which are started ahead of demand. Time is the injected
 * clock's; {@link #evictExpired()} destroys the environments past their time.
 *
 * <p>Environments are kept by {@link EnvironmentKey}: after {@code $LATEST} gets new code or configuration,
 * environments of the old one are never handed out again. The policy is not thread-safe; the pool calls it under its
 * own lock.
 */
public final class WarmPool implements AutoCloseable {
    private final ScalingPolicy policy;
    private final InstantSource clock;
    private final Map<EnvironmentKey, Deque<Idle>> idle = new HashMap<>();
    /** Function versions seen recently, for forecasts: the policy is asked about each. */
    private final Map<String, FunctionVersion> known = new LinkedHashMap<>();
    private final List<Prewarm> prewarms = new ArrayList<>();
    private int idleCount;
    private boolean closed;

    private record Idle(ExecutionEnvironment environment, Instant expiresAt) {
    }

    /**
     * An environment to start ahead of demand.
     *
     * @param version what to start
     * @param at      when
     * @param keep    how long it may then stay idle
     */
    public record Prewarm(FunctionVersion version, Instant at, Duration keep) {
    }

    /**
     * @param policy decides keep-alives and pre-warming
     * @param clock  the time keep-alives are measured on
     */
    public WarmPool(ScalingPolicy policy, InstantSource clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** The policy's name, for reports. */
    public String policyName() {
        return policy.name();
    }

    /** An invocation of {@code version} arrived (warm or cold). */
    public synchronized void arrived(FunctionVersion version) {
        String key = EnvironmentKey.of(version).functionKey();
        known.putIfAbsent(key, version);
        policy.onArrival(key, clock.millis());
    }

    /** An invocation of {@code version} ended; {@code running} are still in flight. */
    public synchronized void ended(FunctionVersion version, int running) {
        policy.onEnd(EnvironmentKey.of(version).functionKey(), clock.millis(), running);
    }

    /** What a cold start of {@code version} took: the policy weighs it against the function's memory. */
    public synchronized void coldStartTook(FunctionVersion version, long millis) {
        policy.profile(EnvironmentKey.of(version).functionKey(), version.config().memoryMb(), millis);
    }

    /** An idle environment for {@code version}, most recently used first, or null when there is none. */
    public ExecutionEnvironment take(FunctionVersion version) {
        List<ExecutionEnvironment> dead = new ArrayList<>();
        ExecutionEnvironment found = null;
        synchronized (this) {
            Deque<Idle> environments = idle.get(EnvironmentKey.of(version));
            while (environments != null && !environments.isEmpty()) {
                Idle candidate = environments.pollFirst();
                idleCount--;
                if (candidate.environment().isUsable()) {
                    found = candidate.environment();
                    break;
                }
                dead.add(candidate.environment());
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
        synchronized (this) {
            if (!closed) {
                Deque<Idle> queue = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
                IdleDecision decision = policy.onIdle(key.functionKey(), now.toEpochMilli(), queue.size());
                if (decision.prewarmAfterMillis() > 0) {
                    prewarms.add(new Prewarm(environment.version(), now.plusMillis(decision.prewarmAfterMillis()),
                            Duration.ofMillis(decision.prewarmKeepMillis())));
                }
                if (decision.keepAliveMillis() > 0) {
                    queue.addFirst(new Idle(environment, now.plusMillis(decision.keepAliveMillis())));
                    idleCount++;
                    return;
                }
            }
        }
        environment.destroy();
    }

    /** Adds an environment started ahead of demand; it stays idle for {@code keep}. */
    public void putPrewarmed(ExecutionEnvironment environment, Duration keep) {
        synchronized (this) {
            if (!closed) {
                idle.computeIfAbsent(EnvironmentKey.of(environment.version()), k -> new ArrayDeque<>())
                        .addLast(new Idle(environment, clock.instant().plus(keep)));
                idleCount++;
                return;
            }
        }
        environment.destroy();
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
            int target = policy.warmTarget(entry.getKey(), now);
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
     */
    public record Scaling(String policy, String explanation, int idle, int plannedPrewarms, Instant nextPrewarm) {
    }

    /** What the pool and its policy do with {@code version} now. */
    public synchronized Scaling scaling(FunctionVersion version) {
        EnvironmentKey key = EnvironmentKey.of(version);
        Deque<Idle> queue = idle.get(key);
        List<Prewarm> planned = prewarms.stream().filter(p -> EnvironmentKey.of(p.version()).equals(key)).toList();
        Instant next = planned.stream().map(Prewarm::at).min(Instant::compareTo).orElse(null);
        return new Scaling(policy.name(), policy.explain(key.functionKey(), clock.millis()),
                queue == null ? 0 : queue.size(), planned.size(), next);
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
        synchronized (this) {
            for (Iterator<Deque<Idle>> queues = idle.values().iterator(); queues.hasNext(); ) {
                Deque<Idle> queue = queues.next();
                for (Iterator<Idle> it = queue.iterator(); it.hasNext(); ) {
                    Idle candidate = it.next();
                    if (condemned.test(candidate)) {
                        it.remove();
                        idleCount--;
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
