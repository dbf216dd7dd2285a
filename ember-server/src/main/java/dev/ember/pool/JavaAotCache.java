package dev.ember.pool;

import dev.ember.sandbox.Forks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JDK's ahead-of-time cache (JEPs 483, 514, 515) for the managed Java runtime: the classes a runtime loads and
 * links to serve its first invocations, with their profiles, trained once and mapped by every Java environment.
 *
 * <p>Trained in the background when the first Java environment starts (a server that runs no Java function never
 * pays for it), by {@code dev.ember.runtime.java.AotTraining} under {@code -XX:AOTCacheOutput}; environments started
 * before it is ready use the JDK's default class data. The cache is only valid for the same JDK and the same jars at
 * the same paths, so it is named after the runtime's files (name, size, time) and kept beside them; a sandbox shows
 * them at the same path. A training that fails (a JVM that cannot write the cache, say) is logged and not retried:
 * environments keep the default.
 */
public final class JavaAotCache {
    private static final System.Logger LOG = System.getLogger(JavaAotCache.class.getName());
    /** Set to {@code true}, Java environments start without the cache: what it does is measured against that. */
    public static final String DISABLED_PROPERTY = "ember.java.aot.disabled";
    /**
     * Set to {@code true}, Java environments map the runtime's cache only, never a function's own
     * ({@link FunctionAotCaches}): what that adds is measured against it.
     */
    public static final String FUNCTIONS_DISABLED_PROPERTY = "ember.java.aot.functions.disabled";
    private static final long TRAINING_LIMIT_SECONDS = 120;
    /** The heap the training runs with; environments of other sizes map the same cache. */
    static final int TRAINING_MEMORY_MB = 512;

    private final Path file;
    /** Where the training writes the cache; moved to {@link #file} once complete. */
    private final Path output;
    private final List<String> training;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean ready;

    /**
     * @param javaHome   the JDK environments run on
     * @param runtimeDir the installed runtime ({@code lib/} holds its jars)
     * @param classpath  the runtime's classpath, exactly as environments get it
     * @param options    the JVM options environments get, but for class data
     */
    JavaAotCache(Path javaHome, Path runtimeDir, String classpath, List<String> options) {
        Path dir = runtimeDir.resolve("aot");
        this.file = dir.resolve("runtime-" + stamp(runtimeDir.resolve("lib")) + ".aot");
        try {
            Files.createDirectories(dir);
            try (var old = Files.list(dir)) {
                for (Path stale : old.filter(p -> !p.equals(file)).toList()) {
                    Files.deleteIfExists(stale);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.ready = Files.isRegularFile(file);
        this.output = dir.resolve("training.aot");
        this.training = new ArrayList<>();
        training.add(javaHome.resolve("bin/java").toString());
        training.addAll(options);
        training.add("-XX:AOTCacheOutput=" + output);
        training.addAll(List.of("-cp", classpath, EnvironmentFactory.JAVA_TRAINING_MAIN));
    }

    /**
     * The JVM options for class data: the cache when it is ready, else the JDK's default archive, and the training
     * started if it has not been.
     */
    List<String> options() {
        if (Boolean.getBoolean(DISABLED_PROPERTY)) {
            return List.of("-Xshare:auto");
        }
        if (ready) {
            return mapping(file);
        }
        if (started.compareAndSet(false, true)) {
            Thread.ofVirtual().name("java-aot-training").start(this::train);
        }
        return List.of("-Xshare:auto");
    }

    /** The JVM options that map {@code cache}. */
    static List<String> mapping(Path cache) {
        // A cache the JVM cannot map (another JDK) is ignored; its complaint must not reach the function's log.
        return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
    }

    /** The cache's name: the runtime's files it is valid for. */
    String name() {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".aot".length());
    }

    private void train() {
        long started = System.nanoTime();
        Path log = output.resolveSibling("training.log");
        try {
            Process process = Forks.start(new ProcessBuilder(training).redirectErrorStream(true)
                    .redirectOutput(log.toFile()));
            boolean ended = process.waitFor(TRAINING_LIMIT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            if (ended && process.exitValue() == 0 && Files.isRegularFile(output)) {
                Files.move(output, file, StandardCopyOption.ATOMIC_MOVE);
                ready = true;
                LOG.log(Level.INFO, "AOT cache of the Java runtime trained in {0} ms: {1}",
                        (System.nanoTime() - started) / 1_000_000, file);
            } else {
                LOG.log(Level.WARNING, "Training the Java runtime''s AOT cache failed (see {0}); Java environments "
                        + "start with the JDK''s default class data", log);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Training the Java runtime's AOT cache failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A short digest of the runtime's files: name, size and time of each. */
    private static String stamp(Path lib) {
        try (var entries = Files.list(lib)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path entry : entries.sorted().toList()) {
                digest.update((entry.getFileName() + ":" + Files.size(entry) + ":"
                        + Files.getLastModifiedTime(entry).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
