package dev.ember.pool;

/** A runtime process could not be started; the invocation fails with {@code errorType} as Lambda's would. */
public final class EnvironmentStartException extends RuntimeException {
    private final String errorType;

    /**
     * @param errorType Lambda's error type, e.g. {@code Runtime.InvalidEntrypoint}
     * @param message   what failed, for the error document the caller receives
     */
    public EnvironmentStartException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    /** Lambda's error type, e.g. {@code Runtime.InvalidEntrypoint}. */
    public String errorType() {
        return errorType;
    }
}
