package dev.ember.runtime.java;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLClassLoader;
import java.time.InstantSource;
import java.util.Map;

/**
 * The entry point of the managed Java runtime. The server starts one per execution environment:
 * <pre>{@code
 * java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
 *      -cp ember-runtime-java.jar:jackson-databind.jar:jackson-core.jar:jackson-annotations.jar:aws-lambda-java-core.jar \
 *      dev.ember.runtime.java.RuntimeMain
 * }</pre>
 * with the working directory and {@code LAMBDA_TASK_ROOT} set to the unpacked code and {@code _HANDLER},
 * {@code AWS_LAMBDA_RUNTIME_API} and the other variables Lambda defines. The class path must not contain an empty
 * entry: that would put the working directory, the task root, on the system class path, and the function's
 * classes would load there, without its {@code lib/*.jar}.
 *
 * <p>Started as a stem cell ({@link StemCell}), it first boots and waits for the function's environment on stdin.
 * It loads the handler (the function's init phase), then serves invocations one after another until the
 * process is killed: {@code GET /invocation/next}, run the handler, {@code POST} the response or the error.
 * If the handler cannot be loaded it posts {@code /init/error} and exits with status 1.
 */
public final class RuntimeMain {

    /** The system property the AWS X-Ray SDK reads the trace header from, as AWS's runtime sets it. */
    static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";

    private RuntimeMain() {
    }

    /**
     * Runs the runtime; never returns normally.
     *
     * @param args ignored; the handler comes from {@code _HANDLER}
     */
    public static void main(String[] args) {
        if (StemCell.isStemCell()) {
            try {
                StemCell.specialise(System.in, System.out);
            } catch (IOException e) {
                exit("stem cell not specialised: " + e.getMessage());
            }
        }
        run(System.getenv());
    }

    /** Runs the runtime with {@code env} as its environment variables; never returns normally. */
    static void run(Map<String, String> env) {
        PrintStream stdout = System.out;
        FunctionEnvironment function = FunctionEnvironment.from(env);
        if (function.runtimeApi() == null || function.runtimeApi().isEmpty()) {
            exit("AWS_LAMBDA_RUNTIME_API is not set; expected host:port of the Runtime API");
        }
        HttpConnection connection = null;
        try {
            connection = HttpConnection.to(function.runtimeApi());
        } catch (IllegalArgumentException e) {
            exit("AWS_LAMBDA_RUNTIME_API " + e.getMessage());
        }
        RuntimeApiClient client = new RuntimeApiClient(connection, System.err);
        StdoutLogger logger = new StdoutLogger(stdout);
        try {
            FunctionHandler handler = init(function, client, logger);
            serve(function, handler, client, logger, Long.MAX_VALUE);
        } catch (IOException e) {
            exit("lost the Runtime API at " + function.runtimeApi() + ": " + e);
        }
    }

    /** Gives up on a problem that cannot be reported through the Runtime API. */
    private static void exit(String problem) {
        System.err.println("ember-runtime-java: " + problem);
        System.exit(1);
    }

    private static FunctionHandler init(FunctionEnvironment function, RuntimeApiClient client, StdoutLogger logger)
            throws IOException {
        URLClassLoader loader = HandlerLoader.functionClassLoader(
                new File(function.taskRoot()), ClassLoader.getSystemClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return HandlerLoader.load(function.handler(), loader);
        } catch (HandlerLoader.InitFailure failure) {
            ErrorReport report = failure.report();
            logger.log(report.toLogText());
            client.reportInitError(report);
            System.exit(1);
            throw new IllegalStateException("unreachable: System.exit returned");
        }
    }

    /** Serves {@code rounds} invocations (a runtime: all there will be; a stem cell's warm-up: a few). */
    static void serve(FunctionEnvironment function, FunctionHandler handler, RuntimeApiClient client,
            StdoutLogger logger, long rounds) throws IOException {
        for (long round = 0; round < rounds; round++) {
            Invocation invocation = client.next();
            if (invocation.traceId() == null) {
                System.clearProperty(TRACE_HEADER_PROPERTY);
            } else {
                System.setProperty(TRACE_HEADER_PROPERTY, invocation.traceId());
            }
            byte[] response;
            try {
                response = handler.handle(invocation.payload(), InvocationContext.of(function, invocation, logger,
                        InstantSource.system()));
            } catch (Throwable failure) {
                ErrorReport report = ErrorReport.of(failure);
                logger.log(report.toLogText());
                client.reportError(invocation.requestId(), report);
                if (failure instanceof VirtualMachineError) {
                    // out of memory or stack: this JVM cannot be trusted with another invocation
                    System.exit(1);
                }
                continue;
            } finally {
                // an interrupt the function left behind must not break the next GET /next
                Thread.interrupted();
            }
            client.respond(invocation.requestId(), response);
        }
    }
}
