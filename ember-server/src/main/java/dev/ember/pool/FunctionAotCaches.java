package dev.ember.pool;

import dev.ember.sandbox.Confinement;
import dev.ember.sandbox.Isolation;
import dev.ember.sandbox.LaunchSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Per Java function version, a JDK AOT cache of its own: the runtime's classes as in {@link JavaAotCache}, and the
 * classes the function's init loads (its handler, its libraries), so that a normal start of the function maps them
 * instead of loading them from its jars.
 *
 * <p>Trained in the background after a version's first cold start (a version that is never invoked never pays), one
 * training at a time, by {@code dev.ember.runtime.java.AotTraining --function} under {@code -XX:AOTCacheOutput}: in
 * the function's own sandbox, with its code, environment variables and limits, since the training runs the function's
 * init, as SnapStart runs it at publish. The training is told so by {@code AWS_LAMBDA_INITIALIZATION_TYPE}
 * {@value #INITIALIZATION_TYPE}. The JVM writes the cache to the sandbox's private {@code /tmp}, and a shell in the
 * sandbox sends it to the server over the output pipe; the server keeps it in a directory of its own per version, which
 * only that version's environments are shown (read-only). A stem cell cannot use it: it maps one cache as its JVM
 * boots, before its function is known.
 *
 * <p>A training that fails (init fails, times out, or the cache is larger than {@value #MAX_CACHE_MB} MB) is logged and
 * not retried until the server restarts; the version's environments keep the runtime's cache. Caches are kept across
 * restarts under a directory named after the runtime's cache, so a new JDK or runtime starts them afresh.
 */
final class FunctionAotCaches implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FunctionAotCaches.class.getName());
    /** What {@code AWS_LAMBDA_INITIALIZATION_TYPE} says to a function whose init runs for its AOT cache. */
    static final String INITIALIZATION_TYPE = "aot-training";
    static final String CACHE_FILE = "function.aot";
    /** The training's memory at least: writing the cache takes a second JVM beside the trained one. */
    static final int TRAINING_MEMORY_MB = 1024;
    private static final long TRAINING_LIMIT_SECONDS = 120;
    private static final long MAX_CACHE_MB = 512;
    /** Passes the trained JVM's output on only when it fails; otherwise the cache it wrote. */
    private static final String WRAPPER = """
            work=$1; shift
            "$@" >"$work/training.log" 2>&1 && exec cat "$work/%s"
            status=$?; cat "$work/training.log"; exit $status
            """.formatted(CACHE_FILE);

    /** Where a version's training stands. */
    enum State { TRAINING, READY, FAILED }

    /**
     * @param state  where its training stands
     * @param detail for a cache that is ready, its size and training time; for a failed training, why
     */
    record Status(State state, String detail) {
    }

    private final Path directory;
    private final Isolation isolation;
    private final Path runDirectory;
    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private final ExecutorService trainer = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("java-aot-function-training").factory());
    private volatile Confinement training;
    private volatile boolean closed;

    /**
     * @param root         where function caches are kept
     * @param runtimeCache names the runtime and JDK the caches are valid for; caches of others are deleted
     */
    FunctionAotCaches(Path root, String runtimeCache, Isolation isolation, Path runDirectory) {
        this.directory = root.resolve(runtimeCache);
        this.isolation = isolation;
        this.runDirectory = runDirectory;
        try {
            Files.createDirectories(directory);
            try (var stale = Files.list(root)) {
                for (Path other : stale.filter(p -> !p.equals(directory)).toList()) {
                    CodeLinks.delete(other);
                }
            }
            try (var kept = Files.list(directory)) {
                for (Path version : kept.toList()) {
                    if (Files.isRegularFile(version.resolve(CACHE_FILE))) {
                        statuses.put(version.getFileName().toString(), new Status(State.READY, "kept from before"));
                    } else {
                        CodeLinks.delete(version);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory holding {@value #CACHE_FILE} of the version named {@code key}, when its cache is ready. */
    Path ready(String key) {
        Status status = statuses.get(key);
        return status != null && status.state() == State.READY ? directory.resolve(key) : null;
    }

    /** Where the training of the version named {@code key} stands; null when it has none. */
    Status status(String key) {
        return statuses.get(key);
    }

    /**
     * Trains the cache of the version named {@code key} in the background, unless it is trained, being trained or
     * failed.
     *
     * @param plan how to start the training, given the directory it writes {@value #CACHE_FILE} to: the function's
     *             sandbox, with the JVM under {@code -XX:AOTCacheOutput=DIR/}{@value #CACHE_FILE}
     */
    void train(String key, Function<String, LaunchPlan> plan) {
        if (closed || statuses.putIfAbsent(key, new Status(State.TRAINING, "queued")) != null) {
            return;
        }
        trainer.execute(() -> {
            Status status = closed ? new Status(State.FAILED, "server closed") : run(key, plan);
            statuses.put(key, status);
        });
    }

    private Status run(String key, Function<String, LaunchPlan> planOf) {
        String id = "aot-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path output = runDirectory.resolve(id + ".out");
        // A sandbox's /tmp is its own; a plain process gets a directory of its own beside the server's files.
        Path work = isolation.sandboxes() ? null : runDirectory.resolve(id);
        long started = System.nanoTime();
        try {
            if (work != null) {
                Files.createDirectory(work);
            }
            Files.createFile(output);
            LaunchPlan plan = planOf.apply(work == null ? "/tmp" : work.toString());
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "ember-aot-training",
                    work == null ? "/tmp" : work.toString()));
            command.addAll(plan.command());
            var spec = new LaunchSpec(id, command, plan.environment(), plan.taskRoot(), plan.readOnly(), output,
                    Math.max(plan.memoryMb(), TRAINING_MEMORY_MB), plan.ephemeralStorageMb(), plan.outboundNetwork(),
                    false);
            Confinement confinement = isolation.launch(spec, address -> "127.0.0.1:9"); // it serves itself
            training = confinement;
            boolean ended;
            long peakMb;
            try {
                ended = confinement.process().waitFor(TRAINING_LIMIT_SECONDS, TimeUnit.SECONDS);
                peakMb = confinement.maxMemoryUsedBytes() >> 20;
            } finally {
                confinement.destroy();
                training = null;
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (!ended) {
                return failed(key, "the training did not end within " + TRAINING_LIMIT_SECONDS + " s", output);
            }
            if (confinement.process().exitValue() != 0) {
                return failed(key, "the training exited with status " + confinement.process().exitValue(), output);
            }
            long size = Files.size(output);
            if (size > MAX_CACHE_MB << 20) {
                return failed(key, "the cache has " + (size >> 20) + " MB, more than " + MAX_CACHE_MB, null);
            }
            Path cacheDirectory = Files.createDirectories(directory.resolve(key));
            Path cache = cacheDirectory.resolve(CACHE_FILE);
            Files.move(output, cache, StandardCopyOption.ATOMIC_MOVE);
            Files.setOwner(cache, Files.getOwner(directory)); // the environment's user id wrote it; it keeps none
            String detail = "%d MB, trained in %d ms with %d MB".formatted(size >> 20, ms, peakMb);
            LOG.log(Level.INFO, "AOT cache of function version {0} trained: {1}", key, detail);
            return new Status(State.READY, detail);
        } catch (IOException | RuntimeException e) {
            return failed(key, "the training could not run: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(State.FAILED, "interrupted");
        } finally {
            try {
                Files.deleteIfExists(output);
                if (work != null) {
                    CodeLinks.delete(work);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Cannot remove the files of AOT training " + id, e);
            }
        }
    }

    /** A failed training, logged with the end of what the training printed. */
    private static Status failed(String key, String why, Path output) {
        String printed = "";
        if (output != null) {
            try {
                List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
                printed = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException | UncheckedIOException e) {
                printed = "(its output cannot be read: " + e.getMessage() + ")";
            }
        }
        LOG.log(Level.WARNING, "No AOT cache for function version {0}: {1}; its environments use the runtime''s.{2}",
                key, why, printed.isEmpty() ? "" : "\n" + printed);
        return new Status(State.FAILED, why);
    }

    @Override
    public void close() {
        closed = true;
        Confinement running = training;
        if (running != null) {
            running.destroy();
        }
        trainer.shutdown();
    }
}
