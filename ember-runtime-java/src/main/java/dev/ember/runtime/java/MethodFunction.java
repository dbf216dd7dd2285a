package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A handler named {@code package.Class::method}: any public method whose parameters AWS's Java runtime accepts.
 *
 * <table>
 *   <caption>Accepted parameter lists</caption>
 *   <tr><td>{@code ()}, {@code (E)}, {@code (Context)}, {@code (E, Context)}</td>
 *       <td>the event read as {@code E}; the return value written as JSON ({@code null} if void)</td></tr>
 *   <tr><td>{@code (InputStream)}, {@code (OutputStream)}, {@code (InputStream, OutputStream)},
 *       {@code (InputStream, Context)}, {@code (OutputStream, Context)},
 *       {@code (InputStream, OutputStream, Context)}</td>
 *       <td>raw bytes; the response is what the method writes ({@code null} without an {@code OutputStream}),
 *       its return value is ignored</td></tr>
 * </table>
 * where {@code E} is any type but {@code InputStream}, {@code OutputStream} and {@code Context}.
 */
final class MethodFunction implements FunctionHandler {

    /** What the runtime passes for each parameter. */
    enum Parameter { EVENT, INPUT_STREAM, OUTPUT_STREAM, CONTEXT }

    private final Method method;
    private final Object target;
    private final Parameter[] parameters;
    private final boolean streaming;
    private final JsonCodec codec;

    /**
     * @param target     the instance to call {@code method} on, {@code null} for a static method
     * @param parameters from {@link #parameters(Method)}
     * @param codec      reads the event and writes the result; {@code null} for streaming methods and for methods
     *                   that take no event and return nothing
     */
    MethodFunction(Method method, Object target, Parameter[] parameters, JsonCodec codec) {
        this.method = method;
        this.target = target;
        this.parameters = parameters;
        this.codec = codec;
        this.streaming = isStreaming(parameters);
        method.setAccessible(true);
    }

    /** The parameters of {@code method} as the runtime fills them, or {@code null} if AWS would not accept it. */
    static Parameter[] parameters(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Parameter[] parameters = new Parameter[types.length];
        for (int i = 0; i < types.length; i++) {
            parameters[i] = types[i] == InputStream.class ? Parameter.INPUT_STREAM
                    : types[i] == OutputStream.class ? Parameter.OUTPUT_STREAM
                    : types[i] == Context.class ? Parameter.CONTEXT
                    : Parameter.EVENT;
        }
        return accepted(parameters) ? parameters : null;
    }

    private static boolean accepted(Parameter[] p) {
        return switch (p.length) {
            case 0, 1 -> true;
            case 2 -> p[1] == Parameter.CONTEXT
                    ? p[0] != Parameter.CONTEXT
                    : p[0] == Parameter.INPUT_STREAM && p[1] == Parameter.OUTPUT_STREAM;
            case 3 -> p[0] == Parameter.INPUT_STREAM && p[1] == Parameter.OUTPUT_STREAM && p[2] == Parameter.CONTEXT;
            default -> false;
        };
    }

    /** Whether {@code parameters} make the method a byte-stream handler. */
    static boolean isStreaming(Parameter[] parameters) {
        for (Parameter parameter : parameters) {
            if (parameter == Parameter.INPUT_STREAM || parameter == Parameter.OUTPUT_STREAM) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] handle(byte[] event, Context context) throws Throwable {
        Object[] arguments = new Object[parameters.length];
        ByteArrayOutputStream output = null;
        for (int i = 0; i < parameters.length; i++) {
            switch (parameters[i]) {
                case EVENT -> arguments[i] = codec.readEvent(event);
                case INPUT_STREAM -> arguments[i] = new ByteArrayInputStream(event);
                case OUTPUT_STREAM -> arguments[i] = output = new ByteArrayOutputStream(1024);
                case CONTEXT -> arguments[i] = context;
            }
        }
        Object result;
        try {
            result = method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() == null ? e : e.getCause();
        }
        if (streaming) {
            return output == null ? FunctionHandler.jsonNull() : output.toByteArray();
        }
        return codec == null ? FunctionHandler.jsonNull() : codec.writeResult(result);
    }
}
