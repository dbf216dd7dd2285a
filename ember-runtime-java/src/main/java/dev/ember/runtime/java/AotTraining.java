package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The training run of the JDK's ahead-of-time cache (JEPs 483, 514, 515) for this runtime. The server runs it once,
 * with {@code -XX:AOTCacheOutput}, and then starts every Java environment with the cache: the classes a runtime loads
 * and links to serve its first invocation (the Runtime API client, Jackson, the handler machinery) come from the cache
 * instead of the jars.
 *
 * <p>It serves a Runtime API of its own on the loopback interface, runs the runtime against it with {@link Handler} for
 * {@value #ROUNDS} invocations, and exits when asked for the next one: at exit the JVM writes the cache.
 *
 * <p>With the argument {@value #FUNCTION_ARGUMENT} it trains one function version's cache: started in the function's
 * own sandbox with its environment, it first loads the function's handler as an environment would (its init phase:
 * static initialisers, constructor), so that the classes init loads, the function's own among them, are in the
 * cache too. The function's handler is never invoked: its events are unknown, and an invocation could have effects.
 */
public final class AotTraining {
    static final int ROUNDS = 20;
    /** The argument that makes this the training of the function in {@code LAMBDA_TASK_ROOT} and {@code _HANDLER}. */
    static final String FUNCTION_ARGUMENT = "--function";
    /** Exit status of a function training whose init failed. */
    static final int INIT_FAILED = 3;

    /** The trained function's handler, kept reachable: classes unloaded before the JVM exits are not cached. */
    private static FunctionHandler function;

    private AotTraining() {
    }

    /**
     * A handler like a user's: a JSON object in, one out, a log line. The answers take the shapes handlers return
     * most (an immutable {@code Map.of}, a mutable map, lists, a bean), so that their serializers are made and
     * compiled here and not in a function's first invocation.
     */
    public static final class Handler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        private int calls;

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            context.getLogger().log("training " + context.getAwsRequestId());
            if (calls++ % 2 == 0) {
                return Map.of("message", "Hello, " + input.get("name") + "!", "values", List.of(1, 2, 3),
                        "bean", new Sample(context.getFunctionName(), context.getRemainingTimeInMillis()));
            }
            Map<String, Object> output = new LinkedHashMap<>(input);
            output.put("remaining", context.getRemainingTimeInMillis() > 0);
            output.put("function", context.getFunctionName());
            return output;
        }
    }

    /** A bean in an answer, serialized through its getters as a user's would be. */
    public static final class Sample {
        private final String name;
        private final long remainingMillis;

        Sample(String name, long remainingMillis) {
            this.name = name;
            this.remainingMillis = remainingMillis;
        }

        public String getName() {
            return name;
        }

        public long getRemainingMillis() {
            return remainingMillis;
        }
    }

    /**
     * A Runtime API on the loopback interface that hands out {@code rounds} events like a user's, with every header
     * Lambda sends, and accepts any answer; the next {@code GET /next} after the last runs {@code afterLast}.
     */
    static HttpServer fakeRuntimeApi(int rounds, Runnable afterLast) throws IOException {
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger served = new AtomicInteger();
        byte[] event = "{\"name\":\"training\",\"values\":[1,2,3],\"nested\":{\"ok\":true}}"
                .getBytes(StandardCharsets.UTF_8);
        api.createContext("/2018-06-01/runtime/invocation/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().endsWith("/next")) {
                int round = served.incrementAndGet();
                if (round > rounds) {
                    afterLast.run();
                }
                var headers = exchange.getResponseHeaders();
                headers.add("Lambda-Runtime-Aws-Request-Id", "training-" + round);
                headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
                headers.add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:000000000000:function:training");
                headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
                exchange.sendResponseHeaders(200, event.length);
                exchange.getResponseBody().write(event);
            } else {
                exchange.sendResponseHeaders(202, -1);
            }
            exchange.close();
        });
        api.start();
        return api;
    }

    /** {@code host:port} of {@code api}, as {@code AWS_LAMBDA_RUNTIME_API}. */
    static String address(HttpServer api) {
        return "127.0.0.1:" + api.getAddress().getPort();
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals(FUNCTION_ARGUMENT)) {
            function = initFunction(FunctionEnvironment.from(System.getenv()));
        }
        HttpServer api = fakeRuntimeApi(ROUNDS, () -> System.exit(0)); // the JVM writes the cache as it exits
        var taskRoot = Files.createTempDirectory("ember-aot-training");
        taskRoot.toFile().deleteOnExit();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            failure.printStackTrace();
            System.exit(1); // the Runtime API's thread would keep a failed training alive
        });
        RuntimeMain.run(Map.of(
                "AWS_LAMBDA_RUNTIME_API", address(api),
                "_HANDLER", Handler.class.getName() + "::handleRequest",
                "LAMBDA_TASK_ROOT", taskRoot.toString(),
                "AWS_LAMBDA_FUNCTION_NAME", "training",
                "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
                "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/training",
                "AWS_LAMBDA_LOG_STREAM_NAME", "training")); // serves until the exit above
    }

    /** Runs the function's init; exits with {@value #INIT_FAILED} if it fails, as it would in an environment. */
    private static FunctionHandler initFunction(FunctionEnvironment environment) {
        URLClassLoader loader = HandlerLoader.functionClassLoader(new File(environment.taskRoot()),
                ClassLoader.getSystemClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return HandlerLoader.load(environment.handler(), loader);
        } catch (HandlerLoader.InitFailure failure) {
            System.err.println("ember-aot-training: the function's init failed: " + failure.report().toLogText());
            System.exit(INIT_FAILED);
            throw new IllegalStateException("unreachable: System.exit returned");
        } finally {
            Thread.currentThread().setContextClassLoader(ClassLoader.getSystemClassLoader());
        }
    }
}
