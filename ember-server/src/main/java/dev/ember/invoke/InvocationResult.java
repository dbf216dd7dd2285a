package dev.ember.invoke;

/**
 * How an invocation ended. Every case but {@link Throttled} ran (or tried to run) in an environment and carries
 * the version that ran and, when asked for, the tail of its log.
 */
public sealed interface InvocationResult {

    /** The request id, also in the function's log lines. */
    String requestId();

    /** The function returned; {@code payload} is its response. */
    record Success(String requestId, String executedVersion, byte[] payload, String logTail)
            implements InvocationResult {
    }

    /**
     * The function failed: it raised an error, its runtime crashed or failed to initialise, or it answered too much.
     *
     * @param errorType e.g. {@code java.lang.IllegalStateException}, {@code Runtime.ExitError}
     * @param payload   the error document {@code {"errorMessage","errorType","stackTrace"}}
     */
    record FunctionError(String requestId, String executedVersion, String errorType, byte[] payload,
                         String logTail) implements InvocationResult {
    }

    /** The function ran past its timeout and its environment was destroyed. */
    record Timeout(String requestId, String executedVersion, double timeoutSeconds, String logTail)
            implements InvocationResult {
    }

    /**
     * Refused before it ran: a concurrency limit was reached.
     *
     * @param reason AWS's {@code Reason}, e.g. {@code ConcurrentInvocationLimitExceeded}
     */
    record Throttled(String requestId, String reason, String message) implements InvocationResult {
    }
}
