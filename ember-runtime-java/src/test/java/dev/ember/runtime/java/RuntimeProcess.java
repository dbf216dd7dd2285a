package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The runtime as the server starts it: a child JVM running {@link RuntimeMain} with Lambda's environment
 * variables, its stdout and stderr collected line by line.
 */
final class RuntimeProcess implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    private RuntimeProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), true);
        pump(process.getErrorStream(), false);
    }

    /** Starts the runtime against {@code api} with the handler {@code handler} and {@code taskRoot} as its code. */
    static RuntimeProcess start(FakeRuntimeApi api, String handler, Path taskRoot, Map<String, String> extraEnv)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java,
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", testClassPath(),
                RuntimeMain.class.getName());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(lambdaEnvironment(api, handler, taskRoot));
        env.putAll(extraEnv);
        builder.directory(taskRoot.toFile());
        return new RuntimeProcess(builder.start());
    }

    /**
     * This JVM's class path without empty entries: surefire ends it with a separator, which would put the working
     * directory, the task root, on the runtime's own class path.
     */
    private static String testClassPath() {
        StringJoiner classPath = new StringJoiner(File.pathSeparator);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.add(entry);
            }
        }
        return classPath.toString();
    }

    static Map<String, String> lambdaEnvironment(FakeRuntimeApi api, String handler, Path taskRoot) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("_HANDLER", handler);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "fixture");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fixture");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]0123456789abcdef");
        return env;
    }

    /** Waits for a stdout line matching {@code condition} and returns it. */
    String awaitStdoutLine(Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + FakeRuntimeApi.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = stdout.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line != null && condition.test(line)) {
                return line;
            }
        }
        throw new AssertionError("no matching stdout line within " + FakeRuntimeApi.TIMEOUT + "; output:\n"
                + String.join("\n", output));
    }

    /** Waits for the process to exit and returns its status. */
    int awaitExit() throws InterruptedException {
        boolean exited = process.waitFor(FakeRuntimeApi.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(exited).as("runtime exited; output:\n%s", String.join("\n", output)).isTrue();
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Everything the process printed so far, stdout and stderr interleaved by arrival. */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(FakeRuntimeApi.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(InputStream stream, boolean isStdout) {
        Thread.ofPlatform().daemon().name(isStdout ? "runtime-stdout" : "runtime-stderr").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    if (isStdout) {
                        stdout.add(line);
                    }
                }
            } catch (IOException e) {
                output.add("(" + (isStdout ? "stdout" : "stderr") + " closed: " + e + ")");
            }
        });
    }
}
