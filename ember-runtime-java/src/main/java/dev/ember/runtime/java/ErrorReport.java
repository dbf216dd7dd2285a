package dev.ember.runtime.java;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A function or init error in the shape AWS's Java runtime posts to the Runtime API:
 * <pre>{@code
 * {"errorMessage": "boom", "errorType": "java.lang.IllegalStateException",
 *  "stackTrace": ["example.Fail.handleRequest(Fail.java:12)", ...],
 *  "cause": {"errorMessage": ..., "errorType": ..., "stackTrace": [...]}}
 * }</pre>
 * The JSON is written by hand so that reporting an error never depends on Jackson.
 *
 * <p>Stack traces are cut where the runtime's own frames begin (and the reflection frames that lead into them),
 * as AWS does, so they show only the function's code and what it called.
 *
 * @param errorMessage the exception's message, or its class name when it has none
 * @param errorType    the exception's class name, or a {@code Runtime.*} name for problems that are no exception
 * @param stackTrace   frames formatted like {@link StackTraceElement#toString()} without the class loader name
 * @param cause        the report of the exception's cause, or {@code null}
 */
record ErrorReport(String errorMessage, String errorType, List<String> stackTrace, ErrorReport cause) {

    private static final String RUNTIME_PACKAGE = ErrorReport.class.getPackageName() + ".";
    private static final int MAX_CAUSES = 32;

    /** The report of {@code failure} and its causes. */
    static ErrorReport of(Throwable failure) {
        return of(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /**
     * A report with its own type and message whose stack trace and causes are those of {@code source}: "Class not
     * found: example.Hello" with the trace of the {@link ClassNotFoundException}.
     */
    static ErrorReport of(String errorType, String errorMessage, Throwable source) {
        Throwable cause = source.getCause();
        return new ErrorReport(errorMessage, errorType, frames(source), cause == null ? null : of(cause));
    }

    /** A report of a problem that has no exception behind it, such as a malformed handler name. */
    static ErrorReport of(String errorType, String errorMessage) {
        return new ErrorReport(errorMessage, errorType, List.of(), null);
    }

    private static ErrorReport of(Throwable failure, Set<Throwable> seen) {
        seen.add(failure);
        Throwable cause = failure.getCause();
        ErrorReport causeReport = cause == null || seen.contains(cause) || seen.size() >= MAX_CAUSES
                ? null
                : of(cause, seen);
        String message = failure.getLocalizedMessage();
        String type = failure.getClass().getName();
        return new ErrorReport(message == null ? type : message, type, frames(failure), causeReport);
    }

    private static List<String> frames(Throwable failure) {
        StackTraceElement[] trace = failure.getStackTrace();
        int end = 0;
        while (end < trace.length && !trace[end].getClassName().startsWith(RUNTIME_PACKAGE)) {
            end++;
        }
        if (end < trace.length) {
            while (end > 0 && isReflection(trace[end - 1].getClassName())) {
                end--;
            }
        }
        List<String> frames = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            frames.add(format(trace[i]));
        }
        return frames;
    }

    private static boolean isReflection(String className) {
        return className.startsWith("jdk.internal.reflect.")
                || className.startsWith("java.lang.reflect.")
                || className.startsWith("java.lang.invoke.");
    }

    /** {@code module/class.method(File.java:12)}: the JDK's format minus the class loader's name. */
    private static String format(StackTraceElement frame) {
        StringBuilder text = new StringBuilder(96);
        if (frame.getModuleName() != null) {
            text.append(frame.getModuleName()).append('/');
        }
        text.append(frame.getClassName()).append('.').append(frame.getMethodName()).append('(');
        if (frame.isNativeMethod()) {
            text.append("Native Method");
        } else if (frame.getFileName() == null) {
            text.append("Unknown Source");
        } else {
            text.append(frame.getFileName());
            if (frame.getLineNumber() >= 0) {
                text.append(':').append(frame.getLineNumber());
            }
        }
        return text.append(')').toString();
    }

    /** The body posted to {@code /invocation/{id}/error} and {@code /init/error}. */
    byte[] toJson() {
        StringBuilder json = new StringBuilder(512);
        appendJson(json);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The text logged to the function's log, as AWS logs it: {@code message: type} then a Java-style trace. */
    String toLogText() {
        StringBuilder text = new StringBuilder(512).append(errorMessage).append(": ").append(errorType).append('\n');
        ErrorReport report = this;
        String prefix = "";
        while (report != null) {
            text.append(prefix).append(report.errorType);
            if (!report.errorMessage.equals(report.errorType)) {
                text.append(": ").append(report.errorMessage);
            }
            text.append('\n');
            for (String frame : report.stackTrace) {
                text.append("\tat ").append(frame).append('\n');
            }
            report = report.cause;
            prefix = "Caused by: ";
        }
        return text.toString();
    }

    private void appendJson(StringBuilder json) {
        json.append("{\"errorMessage\":");
        appendString(json, errorMessage);
        json.append(",\"errorType\":");
        appendString(json, errorType);
        json.append(",\"stackTrace\":[");
        for (int i = 0; i < stackTrace.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            appendString(json, stackTrace.get(i));
        }
        json.append(']');
        if (cause != null) {
            json.append(",\"cause\":");
            cause.appendJson(json);
        }
        json.append('}');
    }

    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
