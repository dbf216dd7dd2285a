package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the handler string into a {@link FunctionHandler}, running the function's init code (static initializers
 * and the handler's constructor) on the way, the way AWS's Java runtime interprets it:
 * <ul>
 *   <li>{@code package.Class}: the class implements {@link RequestStreamHandler} or {@link RequestHandler}; for
 *       the latter the event and result types are the type arguments of {@code RequestHandler<I, O>}, resolved
 *       through superclasses and superinterfaces.</li>
 *   <li>{@code package.Class::method}: a public method named {@code method}, static or not, with one of the
 *       parameter lists {@link MethodFunction} accepts. Among overloads, non-bridge methods win, then longer
 *       parameter lists, with a trailing {@code Context} counting one extra.</li>
 * </ul>
 * A non-static handler's class is instantiated once through its public no-argument constructor.
 */
final class HandlerLoader {

    /** {@code errorType} of a handler string that is neither {@code Class} nor {@code Class::method}. */
    static final String MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName";
    /** {@code errorType} of a class that has no usable handler interface or method. */
    static final String HANDLER_NOT_FOUND = "Runtime.HandlerNotFound";

    private static final String EXPECTED_FORMS = "expected package.Class::method or package.Class";

    /** The function cannot start; its report goes to {@code /init/error}. */
    static final class InitFailure extends Exception {
        private final transient ErrorReport report;

        InitFailure(ErrorReport report) {
            super(report.errorMessage(), null, false, false);
            this.report = report;
        }

        ErrorReport report() {
            return report;
        }
    }

    private HandlerLoader() {
    }

    /**
     * The class loader of the function's code, laid out as on AWS: the task root directory itself, then every
     * {@code lib/*.jar} under it in name order.
     *
     * @param parent the system class loader, so that {@code aws-lambda-java-core} is shared with the runtime
     */
    static URLClassLoader functionClassLoader(File taskRoot, ClassLoader parent) {
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(taskRoot.toURI().toURL());
            File[] libs = new File(taskRoot, "lib").listFiles();
            if (libs != null) {
                Arrays.sort(libs);
                for (File lib : libs) {
                    if (lib.getName().endsWith(".jar") && lib.isFile()) {
                        urls.add(lib.toURI().toURL());
                    }
                }
            }
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("task root " + taskRoot + " is not a valid path", e);
        }
        return new URLClassLoader(urls.toArray(new URL[0]), parent);
    }

    /**
     * Loads and instantiates the handler.
     *
     * @param handler the {@code _HANDLER} value
     * @param loader  the function's class loader
     * @throws InitFailure with the report for {@code /init/error}: {@value #MALFORMED_HANDLER_NAME},
     *                     {@code java.lang.ClassNotFoundException}, the error of a failed static initializer,
     *                     {@value #HANDLER_NOT_FOUND}, or whatever the constructor threw
     */
    static FunctionHandler load(String handler, ClassLoader loader) throws InitFailure {
        if (handler == null || handler.isBlank()) {
            throw new InitFailure(ErrorReport.of(MALFORMED_HANDLER_NAME,
                    "No handler: _HANDLER is empty; " + EXPECTED_FORMS));
        }
        int separator = handler.lastIndexOf("::");
        String className = separator < 0 ? handler : handler.substring(0, separator);
        String methodName = separator < 0 ? null : handler.substring(separator + 2);
        if (className.isEmpty() || (methodName != null && methodName.isEmpty())) {
            throw new InitFailure(ErrorReport.of(MALFORMED_HANDLER_NAME,
                    "Invalid handler: `" + handler + "'; " + EXPECTED_FORMS));
        }
        Class<?> type = loadClass(className, loader);
        return methodName == null ? interfaceHandler(type) : methodHandler(type, methodName);
    }

    private static Class<?> loadClass(String className, ClassLoader loader) throws InitFailure {
        try {
            return Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new InitFailure(ErrorReport.of(e.getClass().getName(), "Class not found: " + className, e));
        } catch (Throwable e) {
            // a static initializer failed (ExceptionInInitializerError) or a class it needs is missing
            String message = "Error loading class " + className + (e.getMessage() == null ? "" : ": " + e.getMessage());
            throw new InitFailure(ErrorReport.of(e.getClass().getName(), message, e));
        }
    }

    private static FunctionHandler interfaceHandler(Class<?> type) throws InitFailure {
        if (RequestStreamHandler.class.isAssignableFrom(type)) {
            return new StreamHandlerFunction((RequestStreamHandler) instantiate(type));
        }
        if (RequestHandler.class.isAssignableFrom(type)) {
            Map<TypeVariable<?>, Type> bindings = typeBindings(type);
            TypeVariable<?>[] variables = RequestHandler.class.getTypeParameters();
            Type input = bindings.getOrDefault(variables[0], Object.class);
            Type output = bindings.getOrDefault(variables[1], Object.class);
            @SuppressWarnings("unchecked")
            RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) instantiate(type);
            return new RequestHandlerFunction(handler, codec(input, output));
        }
        throw new InitFailure(ErrorReport.of(HANDLER_NOT_FOUND, "Class " + type.getName()
                + " implements neither RequestHandler nor RequestStreamHandler; name a public handler method as "
                + type.getName() + "::method"));
    }

    private static FunctionHandler methodHandler(Class<?> type, String methodName) throws InitFailure {
        Method[] methods;
        try {
            methods = type.getMethods();
        } catch (LinkageError e) {
            throw new InitFailure(ErrorReport.of(e.getClass().getName(),
                    "Error loading method " + methodName + " on class " + type.getName(), e));
        }
        Method best = null;
        MethodFunction.Parameter[] bestParameters = null;
        int bestRank = -1;
        for (Method method : methods) {
            MethodFunction.Parameter[] parameters;
            if (method.getName().equals(methodName) && (parameters = MethodFunction.parameters(method)) != null) {
                int rank = rank(method);
                if (rank > bestRank) {
                    best = method;
                    bestParameters = parameters;
                    bestRank = rank;
                }
            }
        }
        if (best == null) {
            throw new InitFailure(ErrorReport.of(HANDLER_NOT_FOUND, "No public method named " + methodName
                    + " with appropriate method signature found on class " + type.getName()
                    + "; accepted are (), (Event), (Event, Context), (InputStream, OutputStream, Context)"
                    + " and their stream variants"));
        }

        Object target = Modifier.isStatic(best.getModifiers()) ? null : instantiate(type);
        JsonCodec codec = null;
        if (!MethodFunction.isStreaming(bestParameters)) {
            Type event = null;
            for (int i = 0; i < bestParameters.length; i++) {
                if (bestParameters[i] == MethodFunction.Parameter.EVENT) {
                    event = resolve(best.getGenericParameterTypes()[i], type);
                }
            }
            Type result = resolve(best.getGenericReturnType(), type);
            if (event != null || result != void.class) {
                codec = codec(event, result);
            }
        }
        return new MethodFunction(best, target, bestParameters, codec);
    }

    /** Non-bridge methods first, then longer parameter lists, a trailing {@code Context} counting one extra. */
    private static int rank(Method method) {
        Class<?>[] types = method.getParameterTypes();
        boolean endsWithContext = types.length > 0
                && types[types.length - 1] == Context.class;
        return (method.isBridge() ? 0 : 100) + types.length + (endsWithContext ? 1 : 0);
    }

    private static Object instantiate(Class<?> type) throws InitFailure {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new InitFailure(ErrorReport.of(InstantiationException.class.getName(),
                    "Class " + type.getName() + " is abstract and cannot be instantiated"));
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            String reason = type.isMemberClass() && !Modifier.isStatic(type.getModifiers())
                    ? " cannot be instantiated because it is a non-static inner class"
                    : " has no public zero-argument constructor";
            throw new InitFailure(ErrorReport.of(e.getClass().getName(), "Class " + type.getName() + reason));
        }
        try {
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            // the function's own init code failed: report its exception, as AWS does
            throw new InitFailure(ErrorReport.of(e.getCause() == null ? e : e.getCause()));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw new InitFailure(ErrorReport.of(e));
        }
    }

    private static JsonCodec codec(Type input, Type output) throws InitFailure {
        try {
            return JsonCodec.forTypes(input, output);
        } catch (RuntimeException e) {
            throw new InitFailure(ErrorReport.of(e));
        }
    }

    /** {@code type} with a type variable replaced by what {@code handlerClass}'s supertypes bind it to. */
    private static Type resolve(Type type, Class<?> handlerClass) {
        if (type instanceof TypeVariable<?> variable) {
            return typeBindings(handlerClass).getOrDefault(variable, variable);
        }
        return type;
    }

    /**
     * Every type variable of {@code type}'s superclasses and superinterfaces with the type its subclass binds it
     * to: for {@code Hello extends Base<Order>} and {@code Base<T> implements RequestHandler<T, String>},
     * {@code RequestHandler.I -> Order}, {@code RequestHandler.O -> String}, {@code Base.T -> Order}. Variables
     * left open stay variables; Jackson reads them as their bound.
     */
    static Map<TypeVariable<?>, Type> typeBindings(Class<?> type) {
        Map<TypeVariable<?>, Type> bindings = new HashMap<>();
        bindSupertypes(type, bindings);
        return bindings;
    }

    private static void bindSupertypes(Class<?> type, Map<TypeVariable<?>, Type> bindings) {
        Type superclass = type.getGenericSuperclass();
        if (superclass != null) {
            bind(superclass, bindings);
        }
        for (Type superinterface : type.getGenericInterfaces()) {
            bind(superinterface, bindings);
        }
    }

    private static void bind(Type supertype, Map<TypeVariable<?>, Type> bindings) {
        if (supertype instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length && i < arguments.length; i++) {
                Type bound = arguments[i] instanceof TypeVariable<?> variable ? bindings.get(variable) : null;
                bindings.putIfAbsent(variables[i], bound == null ? arguments[i] : bound);
            }
            bindSupertypes(raw, bindings);
        } else if (supertype instanceof Class<?> raw) {
            bindSupertypes(raw, bindings);
        }
    }
}
