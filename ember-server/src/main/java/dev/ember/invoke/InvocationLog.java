package dev.ember.invoke;

import dev.ember.pool.LogTail;
import dev.ember.telemetry.FunctionLogs;

/** The platform's lines of one invocation, written to the function's log and, when asked for, to its tail. */
final class InvocationLog {
    private final FunctionLogs logs;
    private final String functionName;
    private final LogTail tail;

    InvocationLog(FunctionLogs logs, String functionName, LogTail tail) {
        this.logs = logs;
        this.functionName = functionName;
        this.tail = tail;
    }

    void platform(String line) {
        logs.append(functionName, line);
        if (tail != null) {
            tail.line(line);
        }
    }

    /** The result with the log tail attached when the caller asked for it. */
    InvocationResult withTail(InvocationResult result) {
        if (tail == null) {
            return result;
        }
        String text = tail.toString();
        return switch (result) {
            case InvocationResult.Success s -> new InvocationResult.Success(s.requestId(), s.executedVersion(),
                    s.payload(), text);
            case InvocationResult.FunctionError e -> new InvocationResult.FunctionError(e.requestId(),
                    e.executedVersion(), e.errorType(), e.payload(), text);
            case InvocationResult.Timeout t -> new InvocationResult.Timeout(t.requestId(), t.executedVersion(),
                    t.timeoutSeconds(), text);
            case InvocationResult.Throttled t -> t;
        };
    }
}
