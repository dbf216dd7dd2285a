package dev.ember.runtime.java;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime booted ahead of demand, for no function yet (a stem cell): the server starts it with
 * {@value #VARIABLE}{@code =1} and hardly any other variable, it loads and runs its own machinery (Jackson, the
 * handler loader, the invocation context) until the JIT has compiled it, says so on stdout ({@value #BOOTED}), and
 * waits. A cold start specialises it by writing the function's complete environment to its stdin, as {@code K=V}
 * entries each ended by a NUL byte, and closing it; the runtime replaces its process environment with exactly those
 * variables ({@link System#getenv()}, child processes and native code see them as on a normal start), says so
 * ({@value #SPECIALISED}: from here on its output is the function's), and goes on as a runtime started for it.
 *
 * <p>Replacing the environment reaches into the JDK's unmodifiable view of it, as AWS's runtime interface client
 * does, so the JVM runs with {@code --add-opens java.base/java.util=ALL-UNNAMED}.
 */
final class StemCell {
    /** Set to {@code 1} in a stem cell's environment. */
    static final String VARIABLE = "EMBER_STEM_CELL";
    /** The line a stem cell prints once booted; the server counts it ready from then on. */
    static final String BOOTED = "ember-stem-cell: booted";
    /** The line it prints once it holds the function's environment: what follows is the function's output. */
    static final String SPECIALISED = "ember-stem-cell: specialised";
    private static final int WARM_UP_ROUNDS = 200;

    private StemCell() {
    }

    /** Whether this process was started as a stem cell. */
    static boolean isStemCell() {
        return "1".equals(System.getenv(VARIABLE));
    }

    /**
     * Boots, waits for the function's environment on {@code spec} and applies it.
     *
     * @throws IOException when the environment cannot be read or applied: the server then starts the function
     *                     normally
     */
    static void specialise(InputStream spec, PrintStream stdout) throws IOException {
        warmUp();
        stdout.println(BOOTED);
        stdout.flush();
        Map<String, String> environment = parse(spec.readAllBytes());
        replaceEnvironment(environment);
        stdout.println(SPECIALISED);
        stdout.flush();
    }

    /**
     * Runs what every cold start and first invocation run, the invocation loop against a Runtime API of its own
     * ({@link AotTraining#fakeRuntimeApi}) with a handler like a user's, so that the runtime's classes are loaded and
     * linked, the JDK's networking is initialised and the hot paths are compiled before any function needs them.
     */
    private static void warmUp() throws IOException {
        NativeEnvironment.prepare();
        writableEnvironment();
        HttpServer api = AotTraining.fakeRuntimeApi(WARM_UP_ROUNDS, () -> { });
        HttpConnection connection = HttpConnection.to(AotTraining.address(api));
        try {
            FunctionEnvironment function = new FunctionEnvironment(AotTraining.address(api),
                    AotTraining.Handler.class.getName() + "::handleRequest", "/", "stem-cell", "$LATEST", 128,
                    "/aws/lambda/stem-cell", "stem-cell");
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            FunctionHandler handler = HandlerLoader.load(function.handler(), StemCell.class.getClassLoader());
            RuntimeMain.serve(function, handler, new RuntimeApiClient(connection, quiet), new StdoutLogger(quiet),
                    WARM_UP_ROUNDS);
            warmUpClassLoading();
        } catch (HandlerLoader.InitFailure failure) {
            throw new IOException("the warm-up handler cannot be loaded: " + failure.report().toLogText());
        } finally {
            connection.close();
            api.stop(0);
            System.clearProperty(RuntimeMain.TRACE_HEADER_PROPERTY);
        }
    }

    /**
     * Loads a handler class from jars as a function's class loader will (opening them, defining and verifying its
     * classes): the runtime's own jars, in a loader of their own that is thrown away.
     */
    private static void warmUpClassLoading() throws IOException {
        String runtimeDir = System.getenv("LAMBDA_RUNTIME_DIR");
        if (runtimeDir == null) {
            return;
        }
        try (URLClassLoader loader = HandlerLoader.functionClassLoader(new File(runtimeDir),
                ClassLoader.getPlatformClassLoader())) {
            Class.forName(AotTraining.Handler.class.getName(), true, loader).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IOException("the warm-up handler cannot be loaded from " + runtimeDir + ": " + e, e);
        }
    }

    /** {@code K=V\0K=V\0...}; a variable's value may hold any character but NUL, newlines included. */
    static Map<String, String> parse(byte[] spec) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i < spec.length; i++) {
            if (spec[i] == 0) {
                String entry = new String(spec, start, i - start, StandardCharsets.UTF_8);
                int equals = entry.indexOf('=');
                if (equals <= 0) {
                    throw new IOException("malformed environment entry: " + entry);
                }
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
                start = i + 1;
            }
        }
        if (start != spec.length) {
            throw new IOException("the environment ends without its terminating NUL");
        }
        if (environment.isEmpty()) {
            throw new IOException("no environment received (the server closed the stem cell's stdin)");
        }
        return environment;
    }

    /** Makes {@code environment} this process's whole environment, for the JDK's view and for native code's. */
    static void replaceEnvironment(Map<String, String> environment) throws IOException {
        Map<String, String> writable = writableEnvironment();
        writable.clear();
        writable.putAll(environment);
        NativeEnvironment.replace(environment);
    }

    /** The map behind {@link System#getenv()}'s unmodifiable view. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> writableEnvironment() throws IOException {
        try {
            Map<String, String> view = System.getenv();
            Field wrapped = view.getClass().getDeclaredField("m"); // java.util.Collections$UnmodifiableMap
            wrapped.setAccessible(true);
            return (Map<String, String>) wrapped.get(view);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot replace the JDK's environment (is java.util opened?): " + e, e);
        }
    }

    /**
     * {@code clearenv} and {@code setenv} of the C library, for native code that reads {@code getenv} and for child
     * processes started without an explicit environment (they inherit the C library's). Through the FFM API, reached
     * by reflection: this jar is compiled for Java 21, where that API was a preview, and runs on the server's JDK
     * (25), where it is final.
     */
    private static final class NativeEnvironment {
        /** {@code int clearenv()}, {@code int setenv(Object name, Object value, int overwrite)} and
         * {@code Object allocateFrom(Object arena, String)}; resolved while booting: spinning the handles costs
         * some 200 ms, which no cold start must pay. */
        private static final MethodHandle CLEARENV;
        private static final MethodHandle SETENV;
        private static final MethodHandle ALLOCATE;
        private static final MethodHandle OF_CONFINED;

        static {
            try {
                Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
                Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
                Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
                Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
                Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
                Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
                Object linker = linkerType.getMethod("nativeLinker").invoke(null);
                Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
                Object javaInt = valueLayout.getField("JAVA_INT").get(null);
                Object address = valueLayout.getField("ADDRESS").get(null);
                Object layouts = Array.newInstance(layoutType, 3);
                Array.set(layouts, 0, address);
                Array.set(layouts, 1, address);
                Array.set(layouts, 2, javaInt);
                var of = descriptorType.getMethod("of", layoutType, layouts.getClass());
                Object noOptions = Array.newInstance(optionType, 0);
                var downcall = linkerType.getMethod("downcallHandle", segmentType, descriptorType,
                        noOptions.getClass());
                var find = lookupType.getMethod("find", String.class);
                CLEARENV = ((MethodHandle) downcall.invoke(linker,
                        ((Optional<?>) find.invoke(lookup, "clearenv")).orElseThrow(),
                        of.invoke(null, javaInt, Array.newInstance(layoutType, 0)), noOptions))
                        .asType(MethodType.methodType(int.class));
                SETENV = ((MethodHandle) downcall.invoke(linker,
                        ((Optional<?>) find.invoke(lookup, "setenv")).orElseThrow(),
                        of.invoke(null, javaInt, layouts), noOptions))
                        .asType(MethodType.methodType(int.class, Object.class, Object.class, int.class));
                var publicLookup = MethodHandles.publicLookup();
                ALLOCATE = publicLookup.unreflect(Class.forName("java.lang.foreign.SegmentAllocator")
                        .getMethod("allocateFrom", String.class))
                        .asType(MethodType.methodType(Object.class, Object.class, String.class));
                OF_CONFINED = publicLookup.unreflect(Class.forName("java.lang.foreign.Arena").getMethod("ofConfined"))
                        .asType(MethodType.methodType(AutoCloseable.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Resolves the handles and runs them until compiled, on variables cleared again by {@link #replace}. */
        static void prepare() throws IOException {
            Map<String, String> sample = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                sample.put("EMBER_STEM_CELL_WARM_UP_" + i, "value " + i);
            }
            for (int i = 0; i < 20; i++) {
                set(sample, false);
            }
        }

        static void replace(Map<String, String> environment) throws IOException {
            set(environment, true);
        }

        private static void set(Map<String, String> environment, boolean clear) throws IOException {
            try (AutoCloseable arena = (AutoCloseable) OF_CONFINED.invokeExact()) {
                if (clear && (int) CLEARENV.invokeExact() != 0) {
                    throw new IOException("clearenv failed");
                }
                for (Map.Entry<String, String> entry : environment.entrySet()) {
                    Object name = (Object) ALLOCATE.invokeExact((Object) arena, entry.getKey());
                    Object value = (Object) ALLOCATE.invokeExact((Object) arena, entry.getValue());
                    if ((int) SETENV.invokeExact(name, value, 1) != 0) {
                        throw new IOException("setenv " + entry.getKey() + " failed");
                    }
                }
            } catch (IOException e) {
                throw e;
            } catch (Throwable e) {
                throw new IOException("cannot replace the native environment: " + e, e);
            }
        }
    }
}
