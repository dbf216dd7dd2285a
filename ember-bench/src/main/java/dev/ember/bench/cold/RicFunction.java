package dev.ember.bench.cold;

import dev.ember.bench.BenchFunctions;
import dev.ember.bench.NoOpHandler;
import dev.ember.pool.EnvironmentFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * The function of {@code ./ember bench cold --runtime ric}: AWS's runtime interface client as a
 * {@code provided.al2023} bootstrap running {@link NoOpHandler}, with a JDK AOT cache in the zip, made the way the
 * README tells a user to: the code tree in a directory (fixed file times), the cache trained by the bootstrap itself
 * under bubblewrap with the tree at {@code /var/task} (where a sandbox shows it, read-only, so the cache cannot be
 * made there), and the tree zipped with each file's time and mode.
 *
 * <p>The bootstrap uses the cache only when the function's environment has {@code RIC_AOT_CACHE}: one zip for the
 * series with and without it.
 */
final class RicFunction {
    static final String TASK_ROOT = "/var/task";
    static final String HANDLER = NoOpHandler.class.getName();
    static final String AOT_CACHE = TASK_ROOT + "/ric.aot";
    /**
     * The environment of the series with the cache: {@code -XX:AOTMode=on}, so that a cache the JVM cannot use fails
     * the cold start (with the JVM's reason in the function's log) instead of being measured as a start without it.
     */
    static final Map<String, String> AOT_VARIABLES = Map.of("RIC_AOT_CACHE", AOT_CACHE, "RIC_AOT_MODE", "on");
    private static final String MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String BWRAP = "/usr/bin/bwrap";
    /** Invocations the training serves: enough for every class of the invocation path to be loaded and linked. */
    private static final int TRAINING_EVENTS = 50;
    private static final Duration TRAINING_LIMIT = Duration.ofMinutes(2);
    /**
     * Every file's time, so the zip is the same from run to run but for the trained cache; an even second, as the DOS
     * time in a zip has two-second steps.
     */
    private static final FileTime FILE_TIME = FileTime.from(Instant.parse("2025-01-01T00:00:00Z"));

    private final Path tree;
    private final Path javaHome;
    private final List<String> jars;
    private final int memoryMb;

    private RicFunction(Path tree, Path javaHome, List<String> jars, int memoryMb) {
        this.tree = tree;
        this.javaHome = javaHome;
        this.jars = jars;
        this.memoryMb = memoryMb;
    }

    /**
     * Builds the tree in a new temporary directory and trains its cache.
     *
     * @param memoryMb the function's memory, which sizes the heap; the cache is only mapped with the same heap flags
     */
    static RicFunction build(int memoryMb) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BWRAP))) {
            throw new IllegalStateException("the ric benchmark trains its AOT cache under bubblewrap: apt-get install "
                    + "bubblewrap");
        }
        Path tree = Files.createTempDirectory("ember-bench-ric").resolve("task");
        Path lib = Files.createDirectories(tree.resolve("lib"));
        List<String> jars = new ArrayList<>();
        try (var ricJars = Files.list(ricLibrary())) {
            for (Path jar : ricJars.sorted().toList()) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
                jars.add(jar.getFileName().toString());
            }
        }
        writeHandlerJar(lib.resolve("hello.jar"));
        jars.add("hello.jar");
        var function = new RicFunction(tree, Path.of(System.getProperty("java.home")), jars, memoryMb);
        Files.writeString(tree.resolve("bootstrap"), function.bootstrap());
        Files.setPosixFilePermissions(tree.resolve("bootstrap"), PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.walk(tree)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FILE_TIME);
            }
        }
        function.train();
        return function;
    }

    /** {@code target/ric-lib} of this module: the client's jars and their dependencies, copied there by Maven. */
    private static Path ricLibrary() {
        try {
            Path classes = Path.of(RicFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = classes.getParent().resolve("ric-lib"); // beside target/classes and target/ember-bench.jar
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("no " + dir + ": build ember-bench first (./ember build)");
            }
            return dir;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeHandlerJar(Path jar) throws IOException {
        String resource = NoOpHandler.class.getName().replace('.', '/') + ".class";
        try (var out = new JarOutputStream(Files.newOutputStream(jar));
             InputStream in = NoOpHandler.class.getClassLoader().getResourceAsStream(resource)) {
            out.putNextEntry(new ZipEntry(resource));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    /**
     * The bootstrap: the JDK at its host path (a sandbox shows it there) with the start-up options of Ember's managed
     * Java runtime, and the jars one by one in a fixed order: an AOT cache is valid for the same classpath only, and
     * the order a {@code lib/*} wildcard expands to is the directory's, which can differ between the tree the cache
     * was trained on and the one a server unpacks (or links into a stem cell).
     */
    private String bootstrap() {
        List<String> classpath = jars.stream().map(jar -> TASK_ROOT + "/lib/" + jar).toList();
        return """
                #!/bin/sh
                # AWS's runtime interface client. RIC_AOT_CACHE names a JDK AOT cache trained with this very command at
                # /var/task (README: "Runtime interface client"); RIC_AOT_MODE is its -XX:AOTMode (default auto: a
                # cache that does not fit is ignored; on: the JVM does not start without it).
                exec '%s' %s \\
                  ${RIC_AOT_CACHE:+-XX:AOTCache=$RIC_AOT_CACHE -XX:AOTMode=${RIC_AOT_MODE:-auto}} \\
                  -cp %s %s "$_HANDLER"
                """.formatted(javaHome.resolve("bin/java"), String.join(" ", javaOptions()),
                String.join(":", classpath), MAIN);
    }

    private List<String> javaOptions() {
        List<String> options = new ArrayList<>(EnvironmentFactory.javaOptions(memoryMb));
        options.add("-Djava.io.tmpdir=/tmp");
        return options;
    }

    /**
     * Trains the cache: the bootstrap itself, told by {@code JAVA_TOOL_OPTIONS} to write the cache, with the tree
     * writable at {@code /var/task}, against a fake Runtime API on the host's loopback (bubblewrap without
     * {@code --unshare-net} keeps the host's network). After {@value #TRAINING_EVENTS} invocations the API fails
     * {@code /next}, the client throws out of {@code main}, and the JVM writes the cache as it exits.
     */
    private void train() throws IOException, InterruptedException {
        Path log = tree.resolveSibling("training.log");
        try (FakeRuntimeApi api = FakeRuntimeApi.start(TRAINING_EVENTS)) {
            Map<String, String> env = environment(api.address());
            env.put("JAVA_TOOL_OPTIONS", "-XX:AOTCacheOutput=" + AOT_CACHE);
            Process training = start(atTaskRoot(true), env, log);
            if (!training.waitFor(TRAINING_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                training.destroyForcibly().waitFor();
                throw new IllegalStateException("the AOT cache training did not end within " + TRAINING_LIMIT
                        + "; see " + log);
            }
            if (api.responses() != TRAINING_EVENTS) {
                throw new IllegalStateException("the training answered " + api.responses() + " of "
                        + TRAINING_EVENTS + " invocations; see " + log);
            }
        }
        Path cache = tree.resolve(AOT_CACHE.substring(TASK_ROOT.length() + 1));
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the training wrote no AOT cache; see " + log);
        }
        Files.setLastModifiedTime(cache, FILE_TIME);
    }

    /**
     * The function's zip: every file with its time (DOS time and the extended timestamp) and unix mode, through
     * the JDK's zip file system, which writes both.
     */
    byte[] zip() throws IOException {
        Path zip = tree.resolveSibling("function.zip");
        Files.deleteIfExists(zip);
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true",
                "enablePosixFileAttributes", "true"))) {
            try (var files = Files.walk(tree)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    Path entry = fs.getPath(tree.relativize(file).toString());
                    if (entry.getParent() != null) {
                        Files.createDirectories(entry.getParent());
                    }
                    Files.copy(file, entry);
                    Files.setPosixFilePermissions(entry, Files.getPosixFilePermissions(file));
                    Files.setLastModifiedTime(entry, Files.getLastModifiedTime(file));
                }
            }
        }
        return Files.readAllBytes(zip);
    }

    /**
     * A bare run: the same JVM and options as the bootstrap's, as a plain process with the tree at its host path
     * (so without the cache, which is valid at {@code /var/task} only).
     */
    ProcessBuilder bare(String runtimeApi) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(javaOptions());
        command.add("-cp");
        command.add(String.join(":", jars.stream().map(jar -> tree.resolve("lib").resolve(jar).toString()).toList()));
        command.add(MAIN);
        command.add(HANDLER);
        Map<String, String> env = environment(runtimeApi);
        env.put("LAMBDA_TASK_ROOT", tree.toString());
        return builder(command, env);
    }

    /**
     * The bootstrap with the tree read-only at {@code /var/task}, in the same bubblewrap view as the training: what
     * the cache needs, and nothing of Ember's sandbox (no cgroups, namespaces but the mount one, or stem cells).
     */
    ProcessBuilder bareAtTaskRoot(String runtimeApi, Map<String, String> variables) {
        Map<String, String> env = environment(runtimeApi);
        env.putAll(variables);
        return builder(atTaskRoot(false), env);
    }

    /**
     * bubblewrap: the host's root read-only, the tree at {@code /var/task} (in a tmpfs {@code /var}: the read-only
     * root has no mount point for it), a private {@code /tmp} (where the client unpacks its native library), as in
     * an environment.
     */
    private List<String> atTaskRoot(boolean writable) {
        return List.of(BWRAP, "--ro-bind", "/", "/", "--tmpfs", "/var", writable ? "--bind" : "--ro-bind",
                tree.toString(), TASK_ROOT, "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--chdir", TASK_ROOT, "--die-with-parent", "--", TASK_ROOT + "/bootstrap");
    }

    private static Map<String, String> environment(String runtimeApi) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("TZ", ":UTC");
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMBDA_TASK_ROOT", TASK_ROOT);
        env.put("_HANDLER", HANDLER);
        return env;
    }

    private static ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        return builder(command, env).redirectOutput(log.toFile()).start();
    }

    /** Removes the tree, its zip and the training log. */
    void delete() {
        BenchFunctions.deleteTree(tree.getParent());
    }
}
