package dev.ember.pool;

import dev.ember.policy.KeepAlivePolicy;
import dev.ember.registry.FunctionVersion;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Idle execution environments, per function version, waiting to be reused (a warm start). Each is kept for as long
 * as the {@link KeepAlivePolicy} says, measured on the injected clock; {@link #evictExpired()} destroys those past
 * their time.
 *
 * <p>Environments are kept by {@link EnvironmentKey}: after {@code $LATEST} gets new code or configuration,
 * environments of the old one are never handed out again.
 */
public final class WarmPool implements AutoCloseable {
    private final KeepAlivePolicy policy;
    private final InstantSource clock;
    private final Map<EnvironmentKey, Deque<Idle>> idle = new HashMap<>();
    private int idleCount;
    private boolean closed;

    private record Idle(ExecutionEnvironment environment, Instant expiresAt) {
    }

    /**
     * @param policy how long each idle environment is kept
     * @param clock  the time keep-alives are measured on
     */
    public WarmPool(KeepAlivePolicy policy, InstantSource clock) {
        this.policy = policy;
        this.clock = clock;
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
     * Returns an environment after an invocation; it stays until its keep-alive expires. After {@link #close()} it
     * is destroyed instead.
     */
    public void put(ExecutionEnvironment environment) {
        EnvironmentKey key = EnvironmentKey.of(environment.version());
        Instant expiresAt = clock.instant().plus(policy.keepAlive(key.functionKey()));
        synchronized (this) {
            if (!closed) {
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addFirst(new Idle(environment, expiresAt));
                idleCount++;
                return;
            }
        }
        environment.destroy();
    }

    /** Destroys the idle environments whose keep-alive has expired; returns how many. */
    public int evictExpired() {
        Instant now = clock.instant();
        return evict(idleEnv -> !idleEnv.expiresAt().isAfter(now) || !idleEnv.environment().isUsable());
    }

    /**
     * Destroys the idle environments of a function whose version is {@code stale} (its code or configuration
     * changed, or it was deleted); returns how many.
     */
    public int evictStale(String functionName, Predicate<FunctionVersion> stale) {
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
        }
        evict(idleEnv -> true);
    }
}
