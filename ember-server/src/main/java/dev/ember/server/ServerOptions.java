package dev.ember.server;

import dev.ember.async.AsyncInvocations;
import dev.ember.lambda.Arns;
import dev.ember.policy.ScalingPolicy;
import dev.ember.pool.MemoryBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How an Ember server runs.
 *
 * @param host             the address the HTTP API listens on
 * @param port             the port; 0 picks a free one
 * @param dataDir          the embedded store (SQLite, code blobs, logs)
 * @param concurrencyLimit the account concurrency limit: in-flight invocations across all functions
 * @param keepAlive        how long the {@code fixed} policy keeps an idle environment, when it is the server's
 * @param initTimeout      how long an environment may take to initialise (Lambda: 10 s)
 * @param arns             the region and account in the ARNs Ember hands out
 * @param clock            the time every keep-alive and log stamp is measured on; tests pass one they move
 * @param sandbox          whether environments are sandboxed with what the host offers (else plain processes)
 * @param policy           the scaling policy: {@code ember} (default), {@code hybrid}, {@code greedy-dual} or
 *                         {@code fixed} (which keeps idle environments for {@code keepAlive})
 * @param memoryBudgetMb   the memory all environments together may hold (their MemorySize); 0 for the default,
 *                         {@link MemoryBudget#defaultMb()}
 * @param housekeeping     how often expired environments are evicted and pre-warms started (5 s; replays of a trace
 *                         on a faster clock make it shorter)
 */
public record ServerOptions(String host, int port, Path dataDir, int concurrencyLimit, Duration keepAlive,
                            Duration initTimeout, Arns arns, InstantSource clock, boolean sandbox, String policy,
                            long memoryBudgetMb, Duration housekeeping,
                            AsyncInvocations.Limits asyncLimits) {
    public static final int DEFAULT_PORT = 9000;

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(initTimeout, "initTimeout");
        Objects.requireNonNull(arns, "arns");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(housekeeping, "housekeeping");
        Objects.requireNonNull(asyncLimits, "asyncLimits");
        if (!ScalingPolicy.NAMES.contains(policy)) {
            throw new IllegalArgumentException("policy must be one of " + ScalingPolicy.NAMES + ", was " + policy);
        }
        if (memoryBudgetMb < 0) {
            throw new IllegalArgumentException("memoryBudgetMb must be positive (0: the default), was "
                    + memoryBudgetMb);
        }
        if (housekeeping.toMillis() < 1) {
            throw new IllegalArgumentException("housekeeping must be at least 1 ms, was " + housekeeping);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("concurrencyLimit must be at least 1, was " + concurrencyLimit);
        }
    }

    /** The defaults: 127.0.0.1:9000, data in {@code ./.ember}, 100 concurrent, the ember policy, sandboxed. */
    public static ServerOptions defaults() {
        return new ServerOptions("127.0.0.1", DEFAULT_PORT, Path.of(".ember"), 100, Duration.ofMinutes(10),
                Duration.ofSeconds(10), Arns.defaults(), InstantSource.system(), true, "ember", 0,
                Duration.ofSeconds(5), AsyncInvocations.Limits.defaults());
    }

    public ServerOptions withHost(String newHost) {
        return new ServerOptions(newHost, port, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withPort(int newPort) {
        return new ServerOptions(host, newPort, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withDataDir(Path newDataDir) {
        return new ServerOptions(host, port, newDataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withConcurrencyLimit(int limit) {
        return new ServerOptions(host, port, dataDir, limit, keepAlive, initTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withKeepAlive(Duration newKeepAlive) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, newKeepAlive, initTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withClock(InstantSource newClock) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, newClock, sandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withInitTimeout(Duration newInitTimeout) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, keepAlive, newInitTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withSandbox(boolean newSandbox) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, newSandbox,
                policy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withPolicy(String newPolicy) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, sandbox,
                newPolicy, memoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withMemoryBudgetMb(long newMemoryBudgetMb) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, sandbox,
                policy, newMemoryBudgetMb, housekeeping, asyncLimits);
    }

    public ServerOptions withHousekeeping(Duration newHousekeeping) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, newHousekeeping, asyncLimits);
    }

    public ServerOptions withAsyncLimits(AsyncInvocations.Limits newAsyncLimits) {
        return new ServerOptions(host, port, dataDir, concurrencyLimit, keepAlive, initTimeout, arns, clock, sandbox,
                policy, memoryBudgetMb, housekeeping, newAsyncLimits);
    }

    /** The memory budget these options give: the one set, else the default. */
    public MemoryBudget memoryBudget() {
        return MemoryBudget.ofMb(memoryBudgetMb > 0 ? memoryBudgetMb : MemoryBudget.defaultMb());
    }

    /** The scaling policy these options name. */
    public ScalingPolicy scalingPolicy() {
        return policy.equals("fixed") ? ScalingPolicy.fixed(keepAlive.toMillis()) : ScalingPolicy.named(policy);
    }
}
