package dev.ember.pool;

import dev.ember.lambda.Arns;
import dev.ember.registry.FunctionConfig;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.registry.Runtime;
import dev.ember.sandbox.Isolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Starts execution environments: picks the runtime's command, sets the environment variables Lambda sets, and
 * points the process at its own Runtime API endpoint.
 */
public final class EnvironmentFactory {
    /** The managed Java runtime's entry point (module ember-runtime-java). */
    static final String JAVA_RUNTIME_MAIN = "dev.ember.runtime.java.RuntimeMain";
    private static final String PATH = "/usr/local/bin:/usr/bin:/bin:/opt/bin";

    /** Set in a function's environment variables to {@value #OUTBOUND}: it may open connections to the outside. */
    public static final String NETWORK_VARIABLE = "EMBER_NETWORK";
    public static final String OUTBOUND = "outbound";

    private final FunctionRegistry registry;
    private final Arns arns;
    private final Isolation isolation;
    private final Path runDirectory;
    private final Path javaHome;
    private final Path javaRuntime;
    private final String javaRuntimeClasspath;
    private final JavaAotCache aotCache;

    /**
     * @param isolation        how environments are confined
     * @param runDirectory     where per-environment files live (named pipes, pid files); emptied now, after killing
     *                         the runtime processes an earlier, killed server left running
     * @param runtimeDirectory where the managed runtimes' files are installed (the Java runtime's jars), to be shown
     *                         read-only to environments
     */
    public EnvironmentFactory(FunctionRegistry registry, Arns arns, Isolation isolation, Path runDirectory,
                              Path runtimeDirectory) {
        this.registry = registry;
        this.arns = arns;
        this.isolation = isolation;
        this.runDirectory = runDirectory;
        this.javaHome = Path.of(System.getProperty("java.home"));
        try {
            Files.createDirectories(runDirectory);
            Orphans.reap(runDirectory);
            this.javaRuntime = JavaRuntimeFiles.install(runtimeDirectory.resolve("java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.javaRuntimeClasspath = JavaRuntimeFiles.classpath(javaRuntime);
        this.aotCache = new JavaAotCache(javaHome, javaRuntime, javaRuntimeClasspath,
                javaOptions(JavaAotCache.TRAINING_MEMORY_MB));
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
        LaunchPlan plan;
        try {
            plan = plan(version, taskRoot, id, provisioned);
        } catch (RuntimeException e) {
            whenGone.run();
            throw e;
        }
        return ExecutionEnvironment.start(id, version, isolation, plan, runDirectory, log, provisioned, whenGone);
    }

    private LaunchPlan plan(FunctionVersion version, Path taskRoot, String id, boolean provisioned) {
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
        List<String> command = new ArrayList<>();
        List<Path> readOnly = new ArrayList<>(List.of(javaHome));
        if (config.runtime().family() == Runtime.Family.JAVA) {
            readOnly.add(javaRuntime);
            env.put("LAMBDA_RUNTIME_DIR", javaRuntime.toString()); // shown at the same path in a sandbox
            command.add(javaHome.resolve("bin/java").toString());
            command.addAll(javaOptions(config.memoryMb()));
            command.addAll(aotCache.options());
            command.add("-cp");
            command.add(javaRuntimeClasspath);
            command.add(JAVA_RUNTIME_MAIN);
        } else {
            env.put("LAMBDA_RUNTIME_DIR", taskRootInside);
            if (!Files.isRegularFile(taskRoot.resolve("bootstrap"))) {
                throw new EnvironmentStartException("Runtime.InvalidEntrypoint",
                        "Couldn't find valid bootstrap(s): [" + taskRootInside + "/bootstrap]");
            }
            command.add(taskRootInside + "/bootstrap");
        }
        boolean outbound = OUTBOUND.equals(config.environment().get(NETWORK_VARIABLE));
        return new LaunchPlan(command, taskRoot, readOnly, env, config.memoryMb(),
                config.ephemeralStorageMb(), outbound);
    }

    /**
     * JVM options of a managed Java environment: heap sized from the function's memory as AWS does, and a
     * start-up-oriented JIT and GC (a function's JVM is small and short-lived). Class data comes on top: the
     * runtime's AOT cache once trained, else {@code -Xshare:auto}. Public so that benchmarks compare a bare
     * {@code java} with the same options.
     */
    public static List<String> javaOptions(int memoryMb) {
        int heapMb = Math.max(64, memoryMb * 85 / 100);
        return List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-XX:MaxHeapSize=" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED");
    }

    private static String logStreamName(String version, String id) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "%d/%02d/%02d/[%s]%s".formatted(today.getYear(), today.getMonthValue(), today.getDayOfMonth(),
                version, id);
    }
}
