package dev.ember.invoke;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.lambda.Arns;
import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import dev.ember.pool.CellKind;
import dev.ember.pool.EnvironmentFactory;
import dev.ember.pool.EnvironmentKey;
import dev.ember.pool.EnvironmentOutcome;
import dev.ember.pool.EnvironmentStartException;
import dev.ember.pool.ExecutionEnvironment;
import dev.ember.pool.LogTail;
import dev.ember.pool.MemoryBudget;
import dev.ember.pool.StemCells;
import dev.ember.pool.WarmPool;
import dev.ember.registry.Alias;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.runtimeapi.RuntimeEvent;
import dev.ember.telemetry.FunctionLogs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs invocations on this machine: resolve the qualifier (weighted aliases included), admit under the account
 * concurrency limit and the function's reservation, take a warm environment or start one (within the memory budget),
 * hand it the event, log START/END/REPORT. Keeps provisioned concurrency allocated and starts what the policy wants
 * ahead of demand.
 */
final class LocalInvoker implements Invoker {
    /** The throttle {@code Reason} when a new environment does not fit in the host's memory budget. */
    static final String MEMORY_BUDGET = "EmberMemoryBudgetExceeded";
    /** How long an environment started for a forecast waits, unless the next forecast still wants it. */
    private static final Duration FORECAST_HOLD = Duration.ofMinutes(2);
    /** Environments started for one function per round: a forecast never floods the host at once. */
    private static final int MAX_STARTS_PER_ROUND = 16;

    private static final System.Logger LOG = System.getLogger(LocalInvoker.class.getName());

    private final FunctionRegistry registry;
    private final EnvironmentFactory environments;
    private final StemCells cells;
    private final WarmPool pool;
    private final FunctionLogs logs;
    private final ConcurrencyControls concurrency;
    private final Arns arns;
    private final InstantSource clock;
    private final Duration initTimeout;
    private final MemoryBudget budget;
    private final ProvisionedConcurrency provisioned;
    /** Provisioned environments initialised and not yet gone, by function version. */
    private final Map<EnvironmentKey, Set<ExecutionEnvironment>> provisionedReady = new ConcurrentHashMap<>();
    private final Map<EnvironmentKey, AtomicInteger> provisioning = new ConcurrentHashMap<>();
    /** Why the last provisioned start of a function version ({@code name:version}) failed, until one succeeds. */
    private final Map<String, String> provisioningFailures = new ConcurrentHashMap<>();
    /** In-flight invocations and environments being started ahead of demand, by function key ({@code name:version}). */
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> starting = new ConcurrentHashMap<>();
    /** Every environment this invoker started and has not seen destroyed: what {@link #close()} must kill. */
    private final Set<ExecutionEnvironment> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LocalInvoker(FunctionRegistry registry, EnvironmentFactory environments, WarmPool pool, FunctionLogs logs,
                 ConcurrencyControls concurrency, ProvisionedConcurrency provisioned, MemoryBudget budget, Arns arns,
                 InstantSource clock, Duration initTimeout) {
        this.registry = registry;
        this.environments = environments;
        this.pool = pool;
        this.logs = logs;
        this.concurrency = concurrency;
        this.arns = arns;
        this.clock = clock;
        this.initTimeout = initTimeout;
        this.provisioned = provisioned;
        this.budget = budget;
        this.cells = new StemCells(environments, budget, clock);
        registry.addListener((name, deleted) -> pool.evictStale(name, this::isStale));
    }

    @Override
    public InvocationResult invoke(InvokeRequest request) {
        if (closed) {
            throw LambdaException.of(ErrorType.SERVICE, "Ember is shutting down");
        }
        FunctionVersion version = resolve(request.functionName(), request.qualifier());
        String requestId = request.requestId();
        ConcurrencyControls.Slot slot = concurrency.tryAcquire(version.name());
        if (slot == null) {
            return new InvocationResult.Throttled(requestId, concurrency.throttleReason(version.name()),
                    "Rate Exceeded.");
        }
        String key = EnvironmentKey.of(version).functionKey();
        AtomicInteger inFlight = running.computeIfAbsent(key, k -> new AtomicInteger());
        pool.arrived(version);
        inFlight.incrementAndGet();
        try {
            return run(version, requestId, request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LambdaException.of(ErrorType.SERVICE, "Invocation %s was interrupted", requestId);
        } finally {
            pool.ended(version, inFlight.decrementAndGet());
            concurrency.release(slot);
        }
    }

    private InvocationResult run(FunctionVersion version, String requestId, InvokeRequest request)
            throws InterruptedException {
        String name = version.name();
        LogTail tail = request.tailLog() ? new LogTail(LogTail.LAMBDA_TAIL_BYTES) : null;
        InvocationLog log = new InvocationLog(logs, name, tail);
        ExecutionEnvironment environment = pool.take(version);
        if (environment != null) {
            return warm(environment, version, requestId, request, tail, log);
        }
        try {
            return cold(version, requestId, request, tail, log);
        } finally {
            cells.coldStartEnded(version); // after the answer, not beside it
        }
    }

    private InvocationResult warm(ExecutionEnvironment environment, FunctionVersion version, String requestId,
                                  InvokeRequest request, LogTail tail, InvocationLog log) throws InterruptedException {
        environment.attachTail(tail);
        return runGuarded(environment, version, requestId, request, null, log);
    }

    private InvocationResult cold(FunctionVersion version, String requestId, InvokeRequest request, LogTail tail,
                                  InvocationLog log) throws InterruptedException {
        String name = version.name();
        ExecutionEnvironment environment;
        int memoryMb = version.config().memoryMb();
        long initStarted = System.nanoTime();
        long initStartedAt = clock.millis();
        EnvironmentOutcome failure = null;
        try {
            environment = fromStemCell(version, tail);
            if (environment != null) {
                failure = environment.awaitReady(initTimeout);
                if (failure != null && !environment.specialised()) {
                    // The cell died before it became the function's (awaitReady destroyed it): as if it had
                    // never been there.
                    LOG.log(System.Logger.Level.WARNING, "A stem cell failed while specialising for {0} ({1}); "
                            + "starting it normally", name, failure);
                    cells.lost(version);
                    environment = null;
                    failure = null;
                }
            }
            if (environment == null) {
                if (!makeRoom(memoryMb)) {
                    return new InvocationResult.Throttled(requestId, MEMORY_BUDGET, ("Rate Exceeded. Ember's "
                            + "memory budget of %d MB is held by running and provisioned environments (%d MB in "
                            + "use); a new environment of %s needs %d MB").formatted(budget.capacityMb(),
                            budget.usedMb(), name, memoryMb));
                }
                environment = environments.start(version, line -> logs.append(name, line), false,
                        () -> budget.release(memoryMb));
                track(environment);
                environment.attachTail(tail);
                failure = environment.awaitReady(initTimeout);
            }
        } catch (EnvironmentStartException e) {
            log.platform("INIT_REPORT Init Duration: 0.00 ms\tPhase: init\tStatus: error\tError Type: "
                    + e.errorType());
            return functionError(requestId, version, e.errorType(),
                    "RequestId: " + requestId + " Error: " + e.getMessage(), log);
        }
        if (failure != null) {
            return initFailed(requestId, version, failure, initStarted, log);
        }
        Duration initDuration = environment.initDuration();
        // On the injected clock, as all the policy's time: a replay's faster clock makes cold starts dearer.
        pool.coldStartTook(version, Math.max(initDuration.toMillis(), clock.millis() - initStartedAt));
        return runGuarded(environment, version, requestId, request, initDuration, log);
    }

    private InvocationResult runGuarded(ExecutionEnvironment environment, FunctionVersion version, String requestId,
                                        InvokeRequest request, Duration initDuration, InvocationLog log)
            throws InterruptedException {
        try {
            return runIn(environment, version, requestId, request, initDuration, log);
        } catch (RuntimeException | Error | InterruptedException e) {
            // Whatever went wrong, the environment is in an unknown state: it must not be reused.
            environment.destroy();
            throw e;
        }
    }

    /**
     * Reserves {@code memoryMb} for an environment a function needs now: evicting idle environments the policy values
     * least, and if that is not enough, stem cells (kept for cold starts that may come).
     */
    private boolean makeRoom(int memoryMb) {
        return pool.makeRoom(budget, memoryMb) || cells.yieldMemory(memoryMb) && pool.makeRoom(budget, memoryMb);
    }

    /** A stem cell specialised for {@code version}, its init under way, or null when there is none. */
    private ExecutionEnvironment fromStemCell(FunctionVersion version, LogTail tail) {
        ExecutionEnvironment environment = cells.specialise(version, line -> logs.append(version.name(), line));
        if (environment != null) {
            track(environment);
            environment.attachTail(tail);
        }
        return environment;
    }

    /** Remembers a new environment for {@link #close()}, forgetting those destroyed meanwhile. */
    private void track(ExecutionEnvironment environment) {
        live.removeIf(known -> !known.isUsable());
        live.add(environment);
        if (closed) {
            environment.destroy();
        }
    }

    private InvocationResult runIn(ExecutionEnvironment environment, FunctionVersion version, String requestId,
                                   InvokeRequest request, Duration initDuration, InvocationLog log)
            throws InterruptedException {
        int timeoutSeconds = version.config().timeoutSeconds();
        log.platform("START RequestId: " + requestId + " Version: " + version.version());
        long started = System.nanoTime();
        // The deadline is read by the runtime against its own wall clock, so it is wall-clock time too.
        var event = new RuntimeEvent(requestId, System.currentTimeMillis() + timeoutSeconds * 1000L,
                arns.function(version.name(), request.qualifier()), traceId(), request.clientContext(), null,
                request.payload());
        EnvironmentOutcome outcome = environment.invoke(event, Duration.ofSeconds(timeoutSeconds));
        long durationNanos = System.nanoTime() - started;
        environment.attachTail(null);
        InvocationResult result = switch (outcome) {
            case EnvironmentOutcome.Response response ->
                    new InvocationResult.Success(requestId, version.version(), response.body(), null);
            case EnvironmentOutcome.Error error -> new InvocationResult.FunctionError(requestId, version.version(),
                    error.errorType() != null ? error.errorType() : "Unhandled", error.body(), null);
            case EnvironmentOutcome.ResponseTooLarge tooLarge -> errorResult(requestId, version,
                    "Function.ResponseSizeTooLarge", "Response payload size (" + tooLarge.size()
                            + " bytes) exceeded maximum allowed payload size (6291556 bytes).");
            case EnvironmentOutcome.TimedOut timedOut -> {
                log.platform(clock.instant().truncatedTo(ChronoUnit.MILLIS) + " " + requestId + " Task timed out after "
                        + "%.2f seconds".formatted((double) timeoutSeconds));
                yield new InvocationResult.Timeout(requestId, version.version(), timeoutSeconds, null);
            }
            case EnvironmentOutcome.Exited exited -> errorResult(requestId, version, "Runtime.ExitError",
                    "RequestId: " + requestId + " Error: Runtime exited with error: " + describe(exited));
            case EnvironmentOutcome.OutOfMemory outOfMemory -> outOfMemory(requestId, version);
            case EnvironmentOutcome.InitFailed initFailed -> new InvocationResult.FunctionError(requestId,
                    version.version(), initFailed.errorType(), initFailed.body(), null);
        };
        long memoryMb = environment.maxMemoryUsedMb();
        if (environment.isUsable() && !isStale(version)) {
            pool.put(environment);
        } else {
            environment.destroy(); // crashed, timed out, or its code or configuration changed while it ran
        }
        log.platform("END RequestId: " + requestId);
        log.platform(report(requestId, durationNanos, version.config().memoryMb(), memoryMb, initDuration,
                result instanceof InvocationResult.Timeout));
        return log.withTail(result);
    }

    private InvocationResult initFailed(String requestId, FunctionVersion version, EnvironmentOutcome failure,
                                        long initStarted, InvocationLog log) {
        InvocationResult result = switch (failure) {
            case EnvironmentOutcome.InitFailed initFailed -> new InvocationResult.FunctionError(requestId,
                    version.version(), initFailed.errorType() != null ? initFailed.errorType() : "Runtime.Unknown",
                    initFailed.body(), null);
            case EnvironmentOutcome.Exited exited -> errorResult(requestId, version, "Runtime.ExitError",
                    "RequestId: " + requestId + " Error: Runtime exited " + (exited.exitCode() == 0 && exited
                            .signal() == null ? "without providing a reason" : "with error: " + describe(exited)));
            case EnvironmentOutcome.TimedOut timedOut ->
                    new InvocationResult.Timeout(requestId, version.version(), initTimeout.toMillis() / 1000.0, null);
            case EnvironmentOutcome.OutOfMemory outOfMemory -> outOfMemory(requestId, version);
            default -> throw new IllegalStateException("not an init failure: " + failure);
        };
        String errorType = switch (result) {
            case InvocationResult.FunctionError error -> error.errorType();
            case InvocationResult.Timeout timeout -> "Sandbox.Timedout";
            default -> "Unknown";
        };
        log.platform("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s"
                .formatted((System.nanoTime() - initStarted) / 1e6, errorType));
        return log.withTail(result);
    }

    private static String report(String requestId, long durationNanos, int memoryMb, long maxMemoryMb,
                                 Duration initDuration, boolean timedOut) {
        double durationMs = durationNanos / 1e6;
        long billedMs = Math.max(1, (long) Math.ceil(durationMs));
        String report = "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\t"
                .formatted(requestId, durationMs, billedMs, memoryMb)
                + "Max Memory Used: " + maxMemoryMb + " MB";
        if (initDuration != null) {
            report += "\tInit Duration: %.2f ms".formatted(initDuration.toNanos() / 1e6);
        }
        return timedOut ? report + "\tStatus: timeout" : report;
    }

    private InvocationResult functionError(String requestId, FunctionVersion version, String errorType,
                                           String message, InvocationLog log) {
        return log.withTail(errorResult(requestId, version, errorType, message));
    }

    private static InvocationResult.FunctionError errorResult(String requestId, FunctionVersion version,
                                                              String errorType, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("errorType", errorType);
        body.put("errorMessage", message);
        return new InvocationResult.FunctionError(requestId, version.version(), errorType,
                body.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** Lambda's error when an environment exceeds its memory: the kernel killed the runtime. */
    private static InvocationResult outOfMemory(String requestId, FunctionVersion version) {
        return errorResult(requestId, version, "Runtime.OutOfMemory", "RequestId: " + requestId
                + " Error: Runtime exited with error: signal: killed (over MemorySize "
                + version.config().memoryMb() + " MB)");
    }

    private static String describe(EnvironmentOutcome.Exited exited) {
        return exited.signal() != null
                ? "signal: " + (exited.signal().equals("SIGKILL") ? "killed" : exited.signal())
                : "exit status " + exited.exitCode();
    }

    /** Resolves a qualifier; an alias with a routing config picks its additional version by weight. */
    private FunctionVersion resolve(String name, String qualifier) {
        if (qualifier == null || qualifier.equals(FunctionVersion.LATEST) || isNumber(qualifier)) {
            return registry.get(name, qualifier);
        }
        Alias alias = registry.getAlias(name, qualifier);
        String version = alias.functionVersion();
        double draw = ThreadLocalRandom.current().nextDouble();
        for (Map.Entry<String, Double> weighted : alias.additionalVersionWeights().entrySet()) {
            if (draw < weighted.getValue()) {
                version = weighted.getKey();
                break;
            }
            draw -= weighted.getValue();
        }
        return registry.get(name, version);
    }

    /** Whether the registry no longer runs {@code version} as it was: new code, new configuration, or deleted. */
    private boolean isStale(FunctionVersion version) {
        try {
            return !EnvironmentKey.of(registry.get(version.name(), version.version()))
                    .equals(EnvironmentKey.of(version));
        } catch (LambdaException gone) {
            return true;
        }
    }

    private static boolean isNumber(String qualifier) {
        for (int i = 0; i < qualifier.length(); i++) {
            if (!Character.isDigit(qualifier.charAt(i))) {
                return false;
            }
        }
        return !qualifier.isEmpty();
    }

    /** An X-Ray trace header in AWS's format, so runtimes that parse it keep working. */
    private String traceId() {
        var random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return "Root=1-" + Long.toHexString(clock.millis() / 1000) + '-'
                + hex.toHexDigits(random.nextInt()) + hex.toHexDigits(random.nextLong())
                + ";Parent=" + hex.toHexDigits(random.nextLong()) + ";Sampled=0";
    }

    @Override
    public ScalingReport scaling(String functionName, String qualifier) {
        FunctionVersion version = registry.get(functionName, qualifier);
        AtomicInteger inFlight = running.get(EnvironmentKey.of(version).functionKey());
        return new ScalingReport(version.version(), inFlight == null ? 0 : inFlight.get(), pool.scaling(version),
                CellKind.of(version.config()).map(kind -> cells.report(kind).getFirst()).orElse(null),
                environments.functionCache(version));
    }

    /**
     * Starts the environments the scaling policy wants ahead of demand: pre-warms whose time has come, one for each
     * known call (a schedule's fire) coming up that no environment will take, and what a concurrency forecast asks
     * for beyond the environments busy, idle or already starting; and keeps provisioned concurrency at what its
     * configurations ask.
     */
    @Override
    public synchronized void scale() {
        if (closed) {
            return;
        }
        cells.scale();
        for (WarmPool.Prewarm prewarm : pool.duePrewarms()) {
            startAhead(prewarm);
        }
        pool.timerStarts(busy()).forEach(this::startAhead);
        pool.shortfalls(busy()).forEach((version, missing) -> {
            for (int i = 0; i < Math.min(missing, MAX_STARTS_PER_ROUND); i++) {
                startAhead(WarmPool.Prewarm.ahead(version, FORECAST_HOLD));
            }
        });
        provision();
    }

    /** Environments busy or being started, by function key. */
    private Map<String, Integer> busy() {
        Map<String, Integer> busy = new HashMap<>();
        running.forEach((key, count) -> busy.merge(key, count.get(), Integer::sum));
        starting.forEach((key, count) -> busy.merge(key, count.get(), Integer::sum));
        return busy;
    }

    /**
     * Starts a pre-warmed environment in the background, if it fits in free memory. What its start took is told to
     * the pool as a cold start's time: the same work, off the invocation path.
     */
    private void startAhead(WarmPool.Prewarm prewarm) {
        FunctionVersion version = prewarm.version();
        int memoryMb = version.config().memoryMb();
        if (!budget.tryReserve(memoryMb)) {
            return; // a guess never evicts what is there
        }
        AtomicInteger count = starting.computeIfAbsent(EnvironmentKey.of(version).functionKey(),
                k -> new AtomicInteger());
        long begun = clock.millis();
        startInBackground(version, memoryMb, false, count, environment -> {
            if (isStale(version)) {
                environment.destroy();
            } else {
                pool.coldStartTook(version, clock.millis() - begun);
                pool.putPrewarmed(environment, prewarm);
            }
        }, failure -> {
            // The next invocation meets the same error and reports it.
        });
    }

    /**
     * Starts an environment of {@code version}, its memory reserved already, in the background; {@code count} counts
     * it while it starts. Once initialised it goes to {@code ready}; if it cannot start or fails its init (and is
     * destroyed), why goes to {@code failed}.
     */
    private void startInBackground(FunctionVersion version, int memoryMb, boolean provisioned, AtomicInteger count,
                                   Consumer<ExecutionEnvironment> ready, Consumer<String> failed) {
        count.incrementAndGet();
        Thread.ofVirtual().name((provisioned ? "provision-" : "prewarm-") + version.name()).start(() -> {
            try {
                ExecutionEnvironment environment = environments.start(version,
                        line -> logs.append(version.name(), line), provisioned, () -> budget.release(memoryMb));
                track(environment);
                EnvironmentOutcome failure = environment.awaitReady(initTimeout);
                if (failure == null) {
                    ready.accept(environment);
                } else {
                    failed.accept(failure.toString());
                }
            } catch (EnvironmentStartException e) {
                failed.accept(e.errorType() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                count.decrementAndGet();
            }
        });
    }

    /**
     * Brings each function version's provisioned environments to what its configurations ask (an alias's count goes to
     * the version it points to): starts the missing ones, which may evict idle on-demand environments for memory, and
     * retires those no longer wanted.
     */
    private void provision() {
        Map<EnvironmentKey, Integer> wanted = new HashMap<>();
        Map<EnvironmentKey, FunctionVersion> versions = new HashMap<>();
        for (ProvisionedConcurrency.Config config : provisioned.all()) {
            FunctionVersion version;
            try {
                version = target(config.function(), config.qualifier());
            } catch (LambdaException gone) {
                continue;
            }
            EnvironmentKey key = EnvironmentKey.of(version);
            wanted.merge(key, config.requested(), Integer::sum);
            versions.put(key, version);
        }
        provisionedReady.forEach((key, ready) -> {
            ready.removeIf(environment -> !environment.isUsable());
            int excess = ready.size() - wanted.getOrDefault(key, 0);
            if (excess > 0 && !ready.isEmpty()) {
                pool.retireProvisioned(ready.iterator().next().version(), excess);
            }
        });
        wanted.forEach((key, count) -> {
            int have = readyCount(key) + provisioning.computeIfAbsent(key, k -> new AtomicInteger()).get();
            for (int i = have; i < count && i - have < MAX_STARTS_PER_ROUND; i++) {
                if (!startProvisioned(versions.get(key))) {
                    break;
                }
            }
        });
    }

    private boolean startProvisioned(FunctionVersion version) {
        EnvironmentKey key = EnvironmentKey.of(version);
        int memoryMb = version.config().memoryMb();
        if (!makeRoom(memoryMb)) {
            failed(key, "Ember's memory budget of %d MB cannot hold another environment of %d MB (%d MB in use)"
                    .formatted(budget.capacityMb(), memoryMb, budget.usedMb()));
            return false;
        }
        AtomicInteger count = provisioning.computeIfAbsent(key, k -> new AtomicInteger());
        startInBackground(version, memoryMb, true, count, environment -> {
            provisionedReady.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(environment);
            pool.putPrewarmed(environment, WarmPool.Prewarm.ahead(version, Duration.ZERO));
            failed(key, null);
        }, failure -> failed(key, "FUNCTION_ERROR_INIT_FAILURE: " + failure));
        return true;
    }

    private void failed(EnvironmentKey key, String reason) {
        if (reason == null) {
            provisioningFailures.remove(key.functionKey());
        } else {
            provisioningFailures.put(key.functionKey(), reason);
        }
    }

    private int readyCount(EnvironmentKey key) {
        Set<ExecutionEnvironment> ready = provisionedReady.get(key);
        return ready == null ? 0 : (int) ready.stream().filter(ExecutionEnvironment::isUsable).count();
    }

    /** The version a provisioned configuration applies to: the version itself, or the one its alias points to. */
    private FunctionVersion target(String function, String qualifier) {
        return registry.get(function, qualifier);
    }

    @Override
    public Memory memory() {
        return new Memory(budget.capacityMb(), budget.usedMb(), pool.idleCount(), cells.report(null));
    }

    @Override
    public Provisioning provisioning(ProvisionedConcurrency.Config config) {
        FunctionVersion version;
        try {
            version = target(config.function(), config.qualifier());
        } catch (LambdaException gone) {
            return new Provisioning(0, Provisioning.FAILED, gone.getMessage());
        }
        EnvironmentKey key = EnvironmentKey.of(version);
        // Environments of a version are shared by the configurations on it and its aliases, as they fill up.
        int ready = readyCount(key);
        for (ProvisionedConcurrency.Config other : provisioned.all()) {
            if (other.equals(config)) {
                break;
            }
            try {
                if (EnvironmentKey.of(target(other.function(), other.qualifier())).equals(key)) {
                    ready -= other.requested();
                }
            } catch (LambdaException gone) {
                // not in the way
            }
        }
        int allocated = Math.max(0, Math.min(ready, config.requested()));
        String failure = provisioningFailures.get(key.functionKey());
        if (allocated >= config.requested()) {
            return new Provisioning(allocated, Provisioning.READY, null);
        }
        return failure != null ? new Provisioning(allocated, Provisioning.FAILED, failure)
                : new Provisioning(allocated, Provisioning.IN_PROGRESS, null);
    }

    @Override
    public void close() {
        closed = true;
        cells.close();
        pool.close();
        live.forEach(ExecutionEnvironment::destroy);
    }
}
