package dev.ember.pool;

import dev.ember.lambda.Arns;
import dev.ember.registry.FunctionConfig;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.registry.Runtime;
import dev.ember.sandbox.Isolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Starts execution environments: picks the runtime's command, sets the environment variables Lambda sets, and
 * points the process at its own Runtime API endpoint.
 */
public final class EnvironmentFactory implements AutoCloseable {
    /** The managed Java runtime's entry point (module ember-runtime-java). */
    static final String JAVA_RUNTIME_MAIN = "dev.ember.runtime.java.RuntimeMain";
    /** Its AOT training (module ember-runtime-java). */
    static final String JAVA_TRAINING_MAIN = "dev.ember.runtime.java.AotTraining";
    private static final String PATH = "/usr/local/bin:/usr/bin:/bin:/opt/bin";

    /** Set in a function's environment variables to {@value #OUTBOUND}: it may open connections to the outside. */
    public static final String NETWORK_VARIABLE = "EMBER_NETWORK";
    public static final String OUTBOUND = "outbound";
    /**
     * Set in every environment's process environment: a random 128-bit token, its own, that its requests to Ember's
     * endpoints on its Runtime API carry. An unsandboxed runtime can reach other environments' listeners on the
     * loopback; without the token they do not take it for their own function.
     */
    public static final String STATE_TOKEN_VARIABLE = "EMBER_STATE_TOKEN";
    private static final SecureRandom TOKENS = new SecureRandom();

    private final FunctionRegistry registry;
    private final Arns arns;
    private final Isolation isolation;
    private final Path runDirectory;
    private final Path javaHome;
    private final Path javaRuntime;
    private final String javaRuntimeClasspath;
    private final JavaAotCache aotCache;
    private final FunctionAotCaches functionCaches;
    private final EnvironmentExtensions extensions;
    /** Stem cells' task roots, one directory each: empty until a function's code is linked in. */
    private final Path cellDirectory;
    private static final System.Logger LOG = System.getLogger(EnvironmentFactory.class.getName());

    /**
     * @param isolation        how environments are confined
     * @param runDirectory     where per-environment files live (named pipes, pid files); emptied now, after killing
     *                         the runtime processes an earlier, killed server left running
     * @param runtimeDirectory where the managed runtimes' files are installed (the Java runtime's jars), to be shown
     *                         read-only to environments
     */
    public EnvironmentFactory(FunctionRegistry registry, Arns arns, Isolation isolation, Path runDirectory,
                              Path runtimeDirectory) {
        this(registry, arns, isolation, runDirectory, runtimeDirectory, EnvironmentExtensions.NONE);
    }

    /**
     * @param extensions what every environment's Runtime API serves beyond Lambda's endpoints
     */
    public EnvironmentFactory(FunctionRegistry registry, Arns arns, Isolation isolation, Path runDirectory,
                              Path runtimeDirectory, EnvironmentExtensions extensions) {
        this.registry = registry;
        this.extensions = extensions;
        this.arns = arns;
        this.isolation = isolation;
        this.runDirectory = runDirectory;
        this.javaHome = Path.of(System.getProperty("java.home"));
        try {
            Files.createDirectories(runDirectory);
            this.cellDirectory = runDirectory.resolve("cells");
            CodeLinks.delete(cellDirectory); // a killed server's cells' task roots: links only
            Orphans.reap(runDirectory);
            Files.createDirectories(cellDirectory);
            this.javaRuntime = JavaRuntimeFiles.install(runtimeDirectory.resolve("java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.javaRuntimeClasspath = JavaRuntimeFiles.classpath(javaRuntime);
        this.aotCache = new JavaAotCache(javaHome, javaRuntime, javaRuntimeClasspath,
                javaOptions(JavaAotCache.TRAINING_MEMORY_MB));
        this.functionCaches = new FunctionAotCaches(runtimeDirectory.resolve("java-functions-aot"),
                aotCache.name() + "-jdk-" + System.getProperty("java.vm.version"), isolation, runDirectory);
    }


    /**
     * Starts a new environment for {@code version}. It is initialising when this returns.
     *
     * @param log         receives every line the runtime prints
     * @param provisioned whether it is started for provisioned concurrency (Lambda tells the function so, in
     *                    {@code AWS_LAMBDA_INITIALIZATION_TYPE})
     * @param whenGone    run once when the environment is gone, also when it cannot be started
     * @throws EnvironmentStartException when the runtime cannot be started
     */
    public ExecutionEnvironment start(FunctionVersion version, Consumer<String> log, boolean provisioned,
                                      Runnable whenGone) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path taskRoot = registry.codeDirectory(version.code());
        String cacheKey = functionCacheKey(version);
        String token = newToken();
        LaunchPlan plan;
        try {
            plan = plan(version, taskRoot, taskRoot, id, provisioned, cacheKey == null ? null
                    : functionCaches.ready(cacheKey), token);
        } catch (RuntimeException e) {
            whenGone.run();
            throw e;
        }
        ExecutionEnvironment environment = ExecutionEnvironment.start(id, version, isolation, plan, runDirectory, log,
                provisioned, whenGone, extensions, token);
        trainFunctionCache(version, cacheKey);
        return environment;
    }

    /**
     * Trains the function's own AOT cache after its first start, in its sandbox (a no-op once trained or under way).
     *
     * @param cacheKey {@link #functionCacheKey}: null for a version that has no cache of its own
     */
    private void trainFunctionCache(FunctionVersion version, String cacheKey) {
        if (cacheKey == null) {
            return;
        }
        Path code = registry.codeDirectory(version.code());
        functionCaches.train(cacheKey, work -> {
            LaunchPlan plan = plan(version, code, code, "aot-training", false, null, null);
            Map<String, String> env = new LinkedHashMap<>(plan.environment());
            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", FunctionAotCaches.INITIALIZATION_TYPE);
            List<String> command = new ArrayList<>();
            command.add(javaHome.resolve("bin/java").toString());
            command.addAll(javaOptions(version.config().memoryMb()));
            command.add("-XX:AOTCacheOutput=" + work + "/" + FunctionAotCaches.CACHE_FILE);
            command.addAll(List.of("-cp", javaRuntimeClasspath, JAVA_TRAINING_MAIN, "--function"));
            return new LaunchPlan(command, plan.taskRoot(), plan.readOnly(), env, plan.memoryMb(),
                    plan.ephemeralStorageMb(), plan.outboundNetwork());
        });
    }

    /**
     * Names a function's AOT cache after all that decides what its init loads: its code, handler, runtime and
     * environment variables (a {@code JAVA_TOOL_OPTIONS} among them changes what the JVM can map). Null when the
     * version has no cache of its own: not Java, or functions' caches are off.
     */
    private static String functionCacheKey(FunctionVersion version) {
        FunctionConfig config = version.config();
        if (config.runtime().family() != Runtime.Family.JAVA || Boolean.getBoolean(JavaAotCache.DISABLED_PROPERTY)
                || Boolean.getBoolean(JavaAotCache.FUNCTIONS_DISABLED_PROPERTY)) {
            return null;
        }
        StringBuilder identity = new StringBuilder(version.code().sha256()).append('\n').append(config.handler())
                .append('\n').append(config.runtime().id());
        new TreeMap<>(config.environment()).forEach((name, value) ->
                identity.append('\n').append(name).append('=').append(value));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return config.name() + "-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Where the training of {@code version}'s own AOT cache stands, for people: {@code ready (size, time)},
     * {@code training (queued)}, {@code failed (why)}; null when it has none (not Java, or not started yet).
     */
    public String functionCache(FunctionVersion version) {
        String cacheKey = functionCacheKey(version);
        FunctionAotCaches.Status status = cacheKey == null ? null : functionCaches.status(cacheKey);
        return status == null ? null
                : status.state().name().toLowerCase(Locale.ROOT) + " (" + status.detail() + ")";
    }

    /** Stops a training under way. */
    @Override
    public void close() {
        functionCaches.close();
    }

    /**
     * Starts a stem cell of {@code kind}: sandboxed with the kind's limits, its runtime booting with no function's
     * code or variables (an empty task root), waiting to be {@linkplain #specialise specialised}.
     *
     * @param whenGone run once when the cell is gone, specialised or not, also when it cannot be started
     * @throws EnvironmentStartException when the runtime cannot be started
     */
    ExecutionEnvironment startCell(CellKind kind, Runnable whenGone) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path taskRoot = cellDirectory.resolve(id);
        Runnable cleanUp = () -> {
            try {
                CodeLinks.delete(taskRoot);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot remove the task root of stem cell " + id, e);
            }
            whenGone.run();
        };
        try {
            Files.createDirectory(taskRoot);
        } catch (IOException e) {
            cleanUp.run();
            throw new EnvironmentStartException("Runtime.Unknown", "cannot make a stem cell's task root: " + e);
        }
        String taskRootInside = isolation.taskRoot(taskRoot);
        String token = newToken();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EMBER_STEM_CELL", "1");
        env.put(STATE_TOKEN_VARIABLE, token);
        env.put("LAMBDA_TASK_ROOT", taskRootInside);
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", PATH);
        List<String> command = new ArrayList<>();
        List<Path> readOnly = new ArrayList<>(List.of(javaHome));
        if (kind.family() == Runtime.Family.JAVA) {
            readOnly.add(javaRuntime);
            env.put("LAMBDA_RUNTIME_DIR", javaRuntime.toString());
            command.addAll(javaCommand(kind.memoryMb(), null));
        } else {
            // The shell reads the function's command from its stdin, which the specialisation writes and closes.
            command.addAll(List.of("/bin/sh", "-s"));
        }
        var plan = new LaunchPlan(command, taskRoot, readOnly, env, kind.memoryMb(), kind.ephemeralStorageMb(), false);
        return ExecutionEnvironment.startCell(id, kind, isolation, plan, runDirectory, cleanUp, extensions, token);
    }

    /**
     * Specialises {@code cell} into an environment of {@code version}: links the function's code into the cell's task
     * root and hands its runtime the environment variables a normal start of the function would have had.
     *
     * @param log receives every line the runtime prints from now on
     * @return false when the cell could not take it (its runtime is gone, or the code could not be linked): the
     *         caller destroys it and starts the function normally
     * @throws EnvironmentStartException when the function cannot start at all (no bootstrap): as on a normal start
     */
    boolean specialise(ExecutionEnvironment cell, FunctionVersion version, Consumer<String> log) {
        Path code = registry.codeDirectory(version.code());
        Path taskRoot = cellDirectory.resolve(cell.id());
        LaunchPlan plan = plan(version, code, taskRoot, cell.id(), false, null, cell.stateToken());
        try {
            CodeLinks.link(code, taskRoot);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot link the code of " + version.name() + " into stem cell "
                    + cell.id() + "; starting it normally", e);
            return false;
        }
        Map<String, String> env = new LinkedHashMap<>(plan.environment());
        env.put("AWS_LAMBDA_RUNTIME_API", cell.runtimeApiAddress());
        byte[] spec = version.config().runtime().family() == Runtime.Family.JAVA ? nulSeparated(env)
                : shellSpecialisation(env, isolation.taskRoot(taskRoot));
        boolean specialised = cell.specialise(version, log, spec);
        trainFunctionCache(version, functionCacheKey(version)); // for the normal starts to come, when no cell is there
        return specialised;
    }

    /** {@code K=V\0...}: what the Java runtime's stem cell reads. */
    private static byte[] nulSeparated(Map<String, String> env) {
        StringBuilder spec = new StringBuilder();
        env.forEach((name, value) -> spec.append(name).append('=').append(value).append('\0'));
        return spec.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What a {@code provided} stem cell's shell runs: says the rest of the output is the function's, then becomes the
     * bootstrap with exactly the function's environment ({@code env -i}) and stdin from {@code /dev/null}, as a
     * normal start.
     */
    private static byte[] shellSpecialisation(Map<String, String> env, String taskRoot) {
        StringBuilder script = new StringBuilder("cd ").append(quote(taskRoot)).append(" || exit 120\n")
                .append("echo '").append(ExecutionEnvironment.CELL_SPECIALISED).append("'\n")
                .append("exec /usr/bin/env -i");
        env.forEach((name, value) -> script.append(' ').append(quote(name + '=' + value)));
        script.append(' ').append(quote(taskRoot + "/bootstrap")).append(" </dev/null\n");
        return script.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A word in single quotes for {@code sh}: every character literal, a quote as {@code '\''}. */
    private static String quote(String word) {
        return '\'' + word.replace("'", "'\\''") + '\'';
    }

    /**
     * @param code     the function's code on the host, checked for a bootstrap
     * @param taskRoot where the environment shows it from: {@code code} itself, or a stem cell's task root
     * @param ownCache the directory of the function's own AOT cache, for a normal start once it is trained; else
     *                 null (a Java runtime maps the runtime's)
     * @param token    the environment's {@value #STATE_TOKEN_VARIABLE}; null for a process that is no environment
     */
    private LaunchPlan plan(FunctionVersion version, Path code, Path taskRoot, String id, boolean provisioned,
                            Path ownCache, String token) {
        FunctionConfig config = version.config();
        String taskRootInside = isolation.taskRoot(taskRoot);
        Map<String, String> env = new LinkedHashMap<>(config.environment());
        env.put("AWS_LAMBDA_FUNCTION_NAME", config.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", version.version());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(config.memoryMb()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + config.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStreamName(version.version(), id));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", provisioned ? "provisioned-concurrency" : "on-demand");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + config.runtime().id());
        env.put("AWS_REGION", arns.region());
        env.put("AWS_DEFAULT_REGION", arns.region());
        env.put("_HANDLER", config.handler() == null ? "" : config.handler());
        env.put("LAMBDA_TASK_ROOT", taskRootInside);
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", PATH);
        if (token != null) {
            env.put(STATE_TOKEN_VARIABLE, token);
        }
        if (isolation.sandboxes()) {
            env.put("PWD", taskRootInside); // bubblewrap sets it as it changes there; a stem cell is told
        }
        List<String> command = new ArrayList<>();
        List<Path> readOnly = new ArrayList<>(List.of(javaHome));
        if (config.runtime().family() == Runtime.Family.JAVA) {
            readOnly.add(javaRuntime);
            env.put("LAMBDA_RUNTIME_DIR", javaRuntime.toString()); // shown at the same path in a sandbox
            if (ownCache != null) {
                readOnly.add(ownCache); // its own only: a cache holds its function's classes
            }
            command.addAll(javaCommand(config.memoryMb(), ownCache));
        } else {
            env.put("LAMBDA_RUNTIME_DIR", taskRootInside);
            if (!Files.isRegularFile(code.resolve("bootstrap"))) {
                throw new EnvironmentStartException("Runtime.InvalidEntrypoint",
                        "Couldn't find valid bootstrap(s): [" + taskRootInside + "/bootstrap]");
            }
            command.add(taskRootInside + "/bootstrap");
        }
        boolean outbound = OUTBOUND.equals(config.environment().get(NETWORK_VARIABLE));
        return new LaunchPlan(command, taskRoot, readOnly, env, config.memoryMb(),
                config.ephemeralStorageMb(), outbound);
    }

    /** @param functionCache the directory of the function's own AOT cache, else null: the runtime's */
    private List<String> javaCommand(int memoryMb, Path functionCache) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(javaOptions(memoryMb));
        command.addAll(functionCache == null ? aotCache.options()
                : JavaAotCache.mapping(functionCache.resolve(FunctionAotCaches.CACHE_FILE)));
        command.add("-cp");
        command.add(javaRuntimeClasspath);
        command.add(JAVA_RUNTIME_MAIN);
        return command;
    }

    /**
     * JVM options of a managed Java environment: heap sized from the function's memory as AWS does, and a
     * start-up-oriented JIT and GC (a function's JVM is small and short-lived). Class data comes on top: the
     * runtime's AOT cache once trained, else {@code -Xshare:auto}. Public so that benchmarks compare a bare
     * {@code java} with the same options.
     */
    public static List<String> javaOptions(int memoryMb) {
        int heapMb = Math.max(64, memoryMb * 85 / 100);
        // An initial heap of 8 MB, not the JVM's 1/64 of the host's memory: the young generation is sized from it, and
        // every page of eden a function touches before its first collection stays resident while it idles (a stem
        // cell: 83 -> 63 MB RSS). The heap still grows to MaxHeapSize as the function needs.
        return List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xms8m",
                "-XX:MaxHeapSize=" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED",
                // A stem cell replaces the JDK's view of its environment, as AWS's runtime interface client does.
                "--add-opens", "java.base/java.util=ALL-UNNAMED");
    }

    private static String newToken() {
        byte[] token = new byte[16];
        TOKENS.nextBytes(token);
        return HexFormat.of().formatHex(token);
    }

    private static String logStreamName(String version, String id) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "%d/%02d/%02d/[%s]%s".formatted(today.getYear(), today.getMonthValue(), today.getDayOfMonth(),
                version, id);
    }
}
