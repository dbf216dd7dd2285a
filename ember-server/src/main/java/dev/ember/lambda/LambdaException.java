package dev.ember.lambda;

import java.util.Map;
import java.util.Objects;

/**
 * A failure the caller sees as one of AWS Lambda's typed errors.
 *
 * <p>Thrown anywhere on a request's path (registry, invoke, ...) and turned into the Lambda error shape by the
 * API layer. Messages say what was wrong, which field, and what is allowed: they are read by users.
 */
public final class LambdaException extends RuntimeException {
    private final ErrorType type;
    private final Map<String, String> extraFields;
    private final int retryAfterSeconds;

    private LambdaException(ErrorType type, String message, Map<String, String> extraFields, int retryAfterSeconds) {
        super(message, null, false, false);
        this.type = Objects.requireNonNull(type);
        this.extraFields = Map.copyOf(extraFields);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** An error of the given type with a formatted message. */
    public static LambdaException of(ErrorType type, String format, Object... args) {
        return new LambdaException(type, args.length == 0 ? format : format.formatted(args), Map.of(), 0);
    }

    /** {@code ResourceNotFoundException}, e.g. {@code notFound("Function not found: %s", arn)}. */
    public static LambdaException notFound(String format, Object... args) {
        return of(ErrorType.RESOURCE_NOT_FOUND, format, args);
    }

    /** {@code InvalidParameterValueException}: the message should name the field and the rule. */
    public static LambdaException invalid(String format, Object... args) {
        return of(ErrorType.INVALID_PARAMETER_VALUE, format, args);
    }

    /** {@code ResourceConflictException}. */
    public static LambdaException conflict(String format, Object... args) {
        return of(ErrorType.RESOURCE_CONFLICT, format, args);
    }

    /** {@code PreconditionFailedException}: a RevisionId or CodeSha256 did not match. */
    public static LambdaException preconditionFailed(String format, Object... args) {
        return of(ErrorType.PRECONDITION_FAILED, format, args);
    }

    /** {@code RequestTooLargeException}. */
    public static LambdaException tooLarge(String format, Object... args) {
        return of(ErrorType.REQUEST_TOO_LARGE, format, args);
    }

    /**
     * {@code TooManyRequestsException} with AWS's {@code Reason} (e.g. {@code ConcurrentInvocationLimitExceeded}) and
     * the seconds after which a retry may succeed.
     */
    public static LambdaException throttled(String reason, int retryAfterSeconds, String message) {
        return new LambdaException(ErrorType.TOO_MANY_REQUESTS, message, Map.of("Reason", reason), retryAfterSeconds);
    }

    /** The Lambda error type. */
    public ErrorType type() {
        return type;
    }

    /** Seconds after which a retry may succeed ({@code Retry-After}); 0 when not applicable. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Fields beyond {@code Type} and {@code Message} that AWS adds for this error (e.g. {@code Reason}). */
    public Map<String, String> extraFields() {
        return extraFields;
    }
}
