package dev.ember.pool;

import dev.ember.registry.FunctionVersion;
import dev.ember.registry.Runtime;
import dev.ember.sandbox.Confinement;
import dev.ember.sandbox.Isolation;
import dev.ember.sandbox.LaunchSpec;
import dev.ember.runtimeapi.RuntimeApiListener;
import dev.ember.runtimeapi.RuntimeApiServer;
import dev.ember.runtimeapi.RuntimeEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One execution environment: a runtime process of one function version, its own Runtime API endpoint, and the pump
 * that carries its stdout and stderr into the function's log. It runs at most one invocation at a time.
 *
 * <p>Lifecycle: started → {@link #awaitReady} (init ends at the runtime's first {@code GET /next}) → any number of
 * {@link #invoke}s → {@link #destroy}. After a timeout, a crash or a failed init the environment is destroyed and
 * must not be used again ({@link #isUsable()}).
 */
public final class ExecutionEnvironment {
    /** Lines longer than Lambda's 256 KB log event are split. */
    private static final int MAX_LINE_BYTES = 256 * 1024;
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The lines a stem cell of the managed Java runtime prints, as {@code dev.ember.runtime.java.StemCell} says. */
    static final String CELL_BOOTED = "ember-stem-cell: booted";
    static final String CELL_SPECIALISED = "ember-stem-cell: specialised";
    private static final System.Logger LOG = System.getLogger(ExecutionEnvironment.class.getName());

    private final String id;
    /** Null while it is a stem cell: set once, by {@link #specialise}. */
    private volatile FunctionVersion version;
    private volatile Consumer<String> log;
    private final long launchedNanos = System.nanoTime();
    /** When init started: at the launch, or for a stem cell when it was specialised. */
    private volatile long startedNanos = launchedNanos;
    /** The kind of stem cell it was started as, or null. */
    private final CellKind cell;
    /** While true, what the process prints is the stem cell's own, not a function's: it is not logged. */
    private volatile boolean inCell;
    private volatile long bootNanos = -1;
    private final CompletableFuture<EnvironmentOutcome> ready = new CompletableFuture<>();
    private final ReentrantLock outputLock = new ReentrantLock();
    /** Orders freezing (when the runtime waits for work) against thawing (when work is handed to it). */
    private final ReentrantLock freezeLock = new ReentrantLock();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesLogged = new AtomicLong();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final boolean provisioned;
    /** Run once when the environment is gone (destroyed, or its runtime exited): gives back its memory. */
    private final AtomicReference<Runnable> whenGone;
    private volatile RuntimeApiServer runtimeApi;
    private final EnvironmentExtensions extensions;
    private final String stateToken;
    private OutputPipe output;
    /** Set once the launch returns, which may be after the runtime's first call: read it once per use. */
    private volatile Confinement confinement;
    private final AtomicBoolean initialised = new AtomicBoolean();
    private Process process;
    private Path runDirectory;
    private boolean frozen;
    private volatile Invocation current;
    private volatile LogTail tail;
    private volatile long initNanos = -1;
    private long lastMemoryMb;

    private record Invocation(String requestId, CompletableFuture<EnvironmentOutcome> outcome) {
    }

    private ExecutionEnvironment(String id, FunctionVersion version, CellKind cell, Consumer<String> log,
                                 boolean provisioned, Runnable whenGone, EnvironmentExtensions extensions,
                                 String stateToken) {
        this.id = id;
        this.extensions = extensions;
        this.stateToken = stateToken;
        this.version = version;
        this.cell = cell;
        this.inCell = cell != null;
        this.log = log;
        this.provisioned = provisioned;
        this.whenGone = new AtomicReference<>(whenGone);
    }

    /**
     * Starts the runtime process, confined as {@code isolation} says. The process gets {@code AWS_LAMBDA_RUNTIME_API}
     * pointing at this environment's own endpoint on top of the plan's environment.
     *
     * @param log         receives each line the process prints (stdout and stderr)
     * @param provisioned whether it is kept for provisioned concurrency
     * @param whenGone    run once when the environment is destroyed or its runtime exits, also when it fails to start
     * @param extensions  what its Runtime API serves beyond Lambda's endpoints
     * @param stateToken  its {@value EnvironmentFactory#STATE_TOKEN_VARIABLE}, in the plan's environment already
     * @throws EnvironmentStartException when the process cannot be started (e.g. no executable bootstrap)
     */
    static ExecutionEnvironment start(String id, FunctionVersion version, Isolation isolation, LaunchPlan plan,
                                      Path runDirectory, Consumer<String> log, boolean provisioned,
                                      Runnable whenGone, EnvironmentExtensions extensions, String stateToken) {
        return launched(new ExecutionEnvironment(id, version, null, log, provisioned, whenGone, extensions,
                stateToken), isolation, plan, runDirectory);
    }

    /**
     * Starts a stem cell of {@code kind}: a runtime sandboxed and booting for no function yet, waiting on its stdin
     * for {@link #specialise}. What it prints until then is not any function's and is not logged.
     *
     * @param whenGone run once when it is destroyed or its runtime exits, also when it fails to start, and also
     *                 after it was specialised
     * @throws EnvironmentStartException when the process cannot be started
     */
    static ExecutionEnvironment startCell(String id, CellKind kind, Isolation isolation, LaunchPlan plan,
                                          Path runDirectory, Runnable whenGone, EnvironmentExtensions extensions,
                                          String stateToken) {
        return launched(new ExecutionEnvironment(id, null, kind, line -> { }, false, whenGone, extensions,
                stateToken), isolation, plan, runDirectory);
    }

    private static ExecutionEnvironment launched(ExecutionEnvironment environment, Isolation isolation,
                                                 LaunchPlan plan, Path runDirectory) {
        try {
            environment.launch(isolation, plan, runDirectory);
        } catch (RuntimeException e) {
            environment.gone();
            if (environment.runtimeApi != null) {
                environment.runtimeApi.close();
            }
            if (environment.output != null) {
                environment.output.close();
            }
            throw e instanceof EnvironmentStartException ? e
                    : new EnvironmentStartException("Runtime.InvalidEntrypoint", "Error: " + e.getMessage());
        }
        return environment;
    }

    private void launch(Isolation isolation, LaunchPlan plan, Path runDirectory) {
        output = OutputPipe.create(runDirectory.resolve(id + ".out"));
        // A platform thread: reads of a pipe block their carrier, so a virtual thread would gain nothing.
        Thread.ofPlatform().daemon().name("env-output-" + id).stackSize(256 * 1024).start(this::pumpOutput);
        var spec = new LaunchSpec(id, plan.command(), plan.environment(), plan.taskRoot(),
                plan.readOnly(), output.path(), plan.memoryMb(), plan.ephemeralStorageMb(), plan.outboundNetwork(),
                cell != null);
        try {
            confinement = isolation.launch(spec, address -> {
                // The caller is whichever function the environment serves when a request comes: none while it is
                // a stem cell, its function's once specialised (for good: a specialised cell is never a cell again).
                runtimeApi = RuntimeApiServer.start(address, new RuntimeCalls(),
                        extensions.forEnvironment(this::servedFunction, stateToken));
                return runtimeApi.address();
            });
        } catch (IOException e) {
            throw new EnvironmentStartException("Runtime.InvalidEntrypoint",
                    "Error: fork/exec " + plan.command().getFirst() + ": " + rootMessage(e));
        }
        process = confinement.process();
        if (ready.isDone()) {
            initialised(); // the runtime asked for its first event before the launch returned
        }
        this.runDirectory = runDirectory;
        Orphans.record(runDirectory, id, process.toHandle());
        process.onExit().thenAccept(this::exited);
    }

    /** This environment's id, also in its log stream name. */
    public String id() {
        return id;
    }

    /** The function version it runs. */
    public FunctionVersion version() {
        return version;
    }

    private String servedFunction() {
        FunctionVersion served = version;
        return served == null ? null : served.name();
    }

    /** Its {@value EnvironmentFactory#STATE_TOKEN_VARIABLE}, which a stem cell passes on to its function. */
    String stateToken() {
        return stateToken;
    }

    /** What its runtime gets as {@code AWS_LAMBDA_RUNTIME_API}. */
    String runtimeApiAddress() {
        return runtimeApi.address();
    }

    /** The resident memory of its processes now, in MB (0 once destroyed). */
    public long residentMb() {
        Confinement confined = confinement;
        return confined == null || destroyed.get() ? 0 : confined.residentBytes() >> 20;
    }

    /** Whether its runtime has booted (a stem cell of the Java runtime says so; anything else is at once). */
    boolean booted() {
        return cell == null || cell.family() != Runtime.Family.JAVA || bootNanos >= 0;
    }

    /** How long its stem cell took to boot, or -1 while booting. */
    long bootMillis() {
        return bootNanos < 0 ? -1 : bootNanos / 1_000_000;
    }

    /**
     * Makes this stem cell an environment of {@code version}: hands the runtime {@code spec} (the function's
     * environment, in the form its runtime reads) on its stdin, and starts its init clock. The function's code must be
     * in its task root already. Specialised cells are never cells again.
     *
     * @return false when the runtime could not be told (it is gone): the caller starts the function normally
     */
    boolean specialise(FunctionVersion function, Consumer<String> functionLog, byte[] spec) {
        if (cell == null || version != null) {
            throw new IllegalStateException(this + " is not a stem cell");
        }
        this.log = functionLog;
        this.version = function;
        startedNanos = System.nanoTime();
        try (var stdin = process.getOutputStream()) {
            stdin.write(spec);
        } catch (IOException e) {
            return false;
        }
        return true;
    }

    /**
     * Whether a stem cell's runtime took the function's environment and went on as the function's (it said so on its
     * output). An init that fails before that is the cell's failure, not the function's. True for other environments.
     */
    public boolean specialised() {
        return !inCell;
    }

    /** Tells the confinement, once, that init is over (its CPU share drops to the function's). */
    private void initialised() {
        if (initialised.compareAndSet(false, true)) {
            confinement.initialised();
        }
    }

    /** Whether it was started for provisioned concurrency: kept until the configuration no longer wants it. */
    public boolean provisioned() {
        return provisioned;
    }

    /** Whether it can take another invocation: not destroyed, process alive. */
    public boolean isUsable() {
        return !destroyed.get() && process.isAlive();
    }

    /** Sends the lines that follow to {@code logTail} as well as to the function's log. */
    public void attachTail(LogTail logTail) {
        this.tail = logTail;
    }

    /**
     * Waits until the runtime asks for its first event.
     *
     * @return null when ready; otherwise why init failed ({@link EnvironmentOutcome.InitFailed},
     *         {@link EnvironmentOutcome.Exited}, or {@link EnvironmentOutcome.TimedOut}), and the environment is
     *         destroyed
     */
    public EnvironmentOutcome awaitReady(Duration timeout) throws InterruptedException {
        EnvironmentOutcome failure;
        try {
            failure = ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            failure = new EnvironmentOutcome.TimedOut();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (failure != null) {
            drainOutput();
            destroy();
        }
        return failure;
    }

    /** How long init took (start to first {@code GET /next}); negative while initialising. */
    public Duration initDuration() {
        return Duration.ofNanos(initNanos);
    }

    /**
     * Hands one event to the runtime and waits for its outcome, at most {@code timeout}. On a timeout, a crash or a
     * response over the limit the environment is destroyed.
     */
    public EnvironmentOutcome invoke(RuntimeEvent event, Duration timeout) throws InterruptedException {
        var invocation = new Invocation(event.requestId(), new CompletableFuture<>());
        freezeLock.lock();
        try {
            current = invocation;
            if (frozen) {
                confinement.thaw();
                frozen = false;
            }
        } finally {
            freezeLock.unlock();
        }
        EnvironmentOutcome outcome;
        try {
            if (!process.isAlive()) {
                outcome = exitOutcome(process);
            } else {
                runtimeApi.deliver(event);
                outcome = invocation.outcome().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            outcome = new EnvironmentOutcome.TimedOut();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            current = null;
        }
        drainOutput();
        if (!(outcome instanceof EnvironmentOutcome.TimedOut) && confinement.outOfMemory()) {
            // The OOM killer took one process (a child, say) and the runtime answered anyway: as on Lambda, the
            // invocation failed with Runtime.OutOfMemory and the environment is not reused.
            outcome = new EnvironmentOutcome.OutOfMemory();
        }
        if (!(outcome instanceof EnvironmentOutcome.Response || outcome instanceof EnvironmentOutcome.Error)) {
            maxMemoryUsedMb(); // sampled while the process is still there, for the REPORT line
            destroy();
        }
        return outcome;
    }

    /**
     * The peak memory of the environment so far, in MB: its control group's when sandboxed (page cache and
     * {@code /tmp} included, as the limit counts them), else the runtime's and its children's resident memory.
     */
    public synchronized long maxMemoryUsedMb() {
        if (confinement != null && !destroyed.get()) {
            lastMemoryMb = Math.max(lastMemoryMb, (confinement.maxMemoryUsedBytes() + (1 << 20) - 1) >> 20);
        }
        return lastMemoryMb;
    }

    /** Kills the runtime process and everything it started, and closes the endpoint. Idempotent. */
    public void destroy() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        if (runtimeApi != null) {
            runtimeApi.close();
        }
        if (confinement != null) {
            confinement.destroy();
            Orphans.forget(runDirectory, id);
        }
        gone();
    }

    private void gone() {
        Runnable hook = whenGone.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
    }

    @Override
    public String toString() {
        FunctionVersion function = version;
        return "ExecutionEnvironment[" + id + ", " + (function == null ? "stem cell " + cell.name()
                : function.name() + ':' + function.version()) + ']';
    }

    /**
     * What the runtime says through its Runtime API, on the endpoint's threads. Private: only this environment's
     * own endpoint may settle its invocations.
     */
    private final class RuntimeCalls implements RuntimeApiListener {
        @Override
        public void onNext() {
            if (!ready.isDone()) {
                initNanos = System.nanoTime() - startedNanos;
                ready.complete(null); // the caller hands it the first event at once: no freeze in between
                // A fast runtime may get here before the launch returned: then the launch, which checks ready after
                // setting the confinement, tells it. Completing before reading makes sure one of the two does.
                if (confinement != null) {
                    initialised();
                }
                return;
            }
            freezeLock.lock();
            try {
                // The runtime waits for work and none is in flight: as Lambda, freeze it (a background thread it
                // left running stops too) until invoke() thaws it.
                if (current == null && !frozen && !destroyed.get()) {
                    confinement.freeze();
                    frozen = true;
                }
            } finally {
                freezeLock.unlock();
            }
        }

        @Override
        public void onResponse(String requestId, byte[] body) {
            complete(requestId, new EnvironmentOutcome.Response(body));
        }

        @Override
        public void onError(String requestId, String errorType, byte[] body) {
            complete(requestId, new EnvironmentOutcome.Error(errorType, body));
        }

        @Override
        public void onInitError(String errorType, byte[] body) {
            var failure = new EnvironmentOutcome.InitFailed(errorType, body);
            ready.complete(failure);
            Invocation invocation = current;
            if (invocation != null) {
                invocation.outcome().complete(failure);
            }
        }

        @Override
        public void onResponseTooLarge(String requestId, long size) {
            complete(requestId, new EnvironmentOutcome.ResponseTooLarge(size));
        }
    }

    private void complete(String requestId, EnvironmentOutcome outcome) {
        Invocation invocation = current;
        if (invocation != null && invocation.requestId().equals(requestId)) {
            invocation.outcome().complete(outcome);
        }
    }

    private void exited(Process exited) {
        EnvironmentOutcome outcome = exitOutcome(exited);
        gone();
        ready.complete(outcome);
        Invocation invocation = current;
        if (invocation != null) {
            invocation.outcome().complete(outcome);
        }
    }

    private EnvironmentOutcome exitOutcome(Process exited) {
        if (confinement.outOfMemory()) {
            return new EnvironmentOutcome.OutOfMemory();
        }
        int status = exited.exitValue();
        // The JDK reports death by signal N as 128 + N.
        return switch (status) {
            case 137 -> new EnvironmentOutcome.Exited(-1, "SIGKILL");
            case 143 -> new EnvironmentOutcome.Exited(-1, "SIGTERM");
            case 134 -> new EnvironmentOutcome.Exited(-1, "SIGABRT");
            case 139 -> new EnvironmentOutcome.Exited(-1, "SIGSEGV");
            default -> new EnvironmentOutcome.Exited(status, null);
        };
    }

    /** Carries the process's output, line by line, into the log; counts bytes so invocations can drain it. */
    private void pumpOutput() {
        byte[] buffer = new byte[16 * 1024];
        var pending = new ByteArrayOutputStream();
        try (InputStream out = output.openForReading()) {
            int n;
            while ((n = out.read(buffer)) > 0) {
                bytesRead.addAndGet(n);
                outputLock.lock();
                try {
                    int lineStart = 0;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            pending.write(buffer, lineStart, i - lineStart);
                            emit(pending);
                            lineStart = i + 1;
                        }
                    }
                    pending.write(buffer, lineStart, n - lineStart);
                    if (pending.size() >= MAX_LINE_BYTES) {
                        emit(pending); // decoding replaces a character cut at the split; the log stays bounded
                    }
                    bytesLogged.addAndGet(n);
                } finally {
                    outputLock.unlock();
                }
            }
        } catch (IOException e) {
            // The process is gone; what it printed until then was logged.
        } finally {
            outputLock.lock();
            try {
                if (pending.size() > 0) {
                    emit(pending);
                }
            } finally {
                outputLock.unlock();
            }
        }
    }

    private void emit(ByteArrayOutputStream pending) {
        String line = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
            line = line.substring(0, line.length() - 1);
        }
        if (inCell) {
            // Only the runtime's own code runs before the function's environment arrives: these lines are Ember's.
            switch (line) {
                case CELL_BOOTED -> bootNanos = System.nanoTime() - launchedNanos;
                case CELL_SPECIALISED -> inCell = false;
                default -> LOG.log(System.Logger.Level.DEBUG, "stem cell {0}: {1}", id, line);
            }
            return;
        }
        try {
            log.accept(line);
        } catch (RuntimeException e) {
            // The log could not be written (disk full?): the line is lost, but the pipe keeps being drained, or
            // the runtime would block on a full pipe and time out.
        }
        LogTail logTail = tail;
        if (logTail != null) {
            logTail.line(line);
        }
    }

    /**
     * Waits briefly until what the runtime printed before it answered has been logged, so that an invocation's
     * output lands before its END line and in its tail. Bounded: a runtime that keeps printing does not hold the
     * caller.
     */
    private void drainOutput() {
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        while (output.pending() > 0 || bytesRead.get() != bytesLogged.get()) {
            if (System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(20_000);
        }
        outputLock.lock();
        outputLock.unlock();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
