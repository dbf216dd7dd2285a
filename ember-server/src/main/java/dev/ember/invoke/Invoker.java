package dev.ember.invoke;

import dev.ember.lambda.Arns;
import dev.ember.lambda.LambdaException;
import dev.ember.pool.EnvironmentFactory;
import dev.ember.pool.MemoryBudget;
import dev.ember.pool.StemCells;
import dev.ember.pool.WarmPool;
import dev.ember.registry.FunctionRegistry;
import dev.ember.telemetry.FunctionLogs;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/** Runs invocations: resolves the qualifier, admits the request, and runs it in an execution environment. */
public interface Invoker extends AutoCloseable {

    /**
     * The invoker of a single Ember server: environments are processes on this machine.
     *
     * @param concurrency the account limit and reserved concurrency; beyond them invocations are throttled
     * @param provisioned provisioned concurrency: environments kept initialised
     * @param budget      the memory every environment counts against; beyond it invocations are throttled
     * @param initTimeout how long a new environment may take to initialise
     */
    static Invoker local(FunctionRegistry registry, EnvironmentFactory environments, WarmPool pool,
                         FunctionLogs logs, ConcurrencyControls concurrency, ProvisionedConcurrency provisioned,
                         MemoryBudget budget, Arns arns, InstantSource clock, Duration initTimeout) {
        return new LocalInvoker(registry, environments, pool, logs, concurrency, provisioned, budget, arns, clock,
                initTimeout);
    }

    /**
     * Runs one synchronous invocation and waits for its end.
     *
     * @throws LambdaException ResourceNotFoundException when the function or qualifier does not exist
     */
    InvocationResult invoke(InvokeRequest request);

    /**
     * Starts the environments the scaling policy wants ahead of demand (pre-warms that are due, forecast
     * concurrency). The server calls it every few seconds; it returns at once, environments start in the background.
     */
    void scale();

    /**
     * What the scaling policy does with a function version now, and how many of its invocations are in flight.
     *
     * @throws LambdaException ResourceNotFoundException when the function or qualifier does not exist
     */
    ScalingReport scaling(String functionName, String qualifier);

    /**
     * @param version  the function version resolved from the qualifier
     * @param running  its invocations in flight
     * @param scaling  the pool's and policy's view
     * @param cells    the stem cells its cold starts draw on, or null when it cannot start from one
     * @param aotCache where its own AOT cache stands (Java functions, once started), else null
     */
    record ScalingReport(String version, int running, WarmPool.Scaling scaling, StemCells.Report cells,
                         String aotCache) {
    }

    /** The memory environments hold now, against the host's budget. */
    Memory memory();

    /**
     * @param budgetMb         what environments may hold together
     * @param usedMb           what they hold now (busy, idle and starting, by MemorySize)
     * @param idleEnvironments how many are idle
     * @param stemCells        the stem cells of every kind seen (their memory is in {@code usedMb})
     */
    record Memory(long budgetMb, long usedMb, int idleEnvironments, List<StemCells.Report> stemCells) {
    }

    /** How far the environments of a provisioned concurrency configuration are allocated. */
    Provisioning provisioning(ProvisionedConcurrency.Config config);

    /**
     * The allocation of a provisioned concurrency configuration, as Lambda reports it.
     *
     * @param allocated environments initialised and kept for it
     * @param status    {@link #IN_PROGRESS}, {@link #READY} or {@link #FAILED}
     * @param reason    why it failed, else null
     */
    record Provisioning(int allocated, String status, String reason) {
        public static final String IN_PROGRESS = "IN_PROGRESS";
        public static final String READY = "READY";
        public static final String FAILED = "FAILED";
    }

    /** Destroys every environment, idle or busy. */
    @Override
    void close();
}
