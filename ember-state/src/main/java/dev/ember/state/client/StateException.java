package dev.ember.state.client;

/**
 * A request the state API refused, or could not be asked: the API's {@code errorType} and HTTP status, and its
 * {@code errorMessage} as the message.
 *
 * <p>The cases a handler reacts to have a type of their own: {@link PreconditionFailedException} (a conditional
 * write lost a race), {@link TransactionConflictException}, {@link AccessDeniedException}, {@link
 * ValueTooLargeException}, {@link IncrementFailedException}, {@link InvalidRequestException} (a bad key, namespace,
 * value or request) and {@link StateUnavailableException} (no answer). Anything else, such as a 500, is a plain
 * {@code StateException}.
 */
public sealed class StateException extends RuntimeException
        permits AccessDeniedException, IncrementFailedException, InvalidRequestException, PreconditionFailedException,
        StateUnavailableException, TransactionConflictException, ValueTooLargeException {
    private final String errorType;
    private final int status;

    StateException(String errorType, int status, String message) {
        this(errorType, status, message, null);
    }

    StateException(String errorType, int status, String message, Throwable cause) {
        super(message, cause);
        this.errorType = errorType;
        this.status = status;
    }

    /** The API's name of the error, e.g. {@code KeyTooLong}, {@code AccessDenied}, {@code PreconditionFailed}. */
    public String errorType() {
        return errorType;
    }

    /** The HTTP status of the answer, e.g. 412; 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The exception for an error answer of the API. */
    static StateException of(int status, String errorType, String message) {
        return switch (errorType) {
            case "AccessDenied" -> new AccessDeniedException(status, message);
            case "PreconditionFailed" -> new PreconditionFailedException(status, message);
            case "ValueTooLarge" -> new ValueTooLargeException(status, message);
            case "NotAnInteger", "Overflow" -> new IncrementFailedException(errorType, status, message);
            default -> status == 400 ? new InvalidRequestException(errorType, status, message)
                    : status == 403 ? new AccessDeniedException(status, message)
                    : new StateException(errorType, status, message);
        };
    }
}
