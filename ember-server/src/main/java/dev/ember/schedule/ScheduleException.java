package dev.ember.schedule;

/**
 * An EventBridge error: its type ({@code ValidationException}, {@code ResourceNotFoundException}, ...) as the AWS
 * JSON 1.1 protocol names it in {@code __type}, and a message saying what to fix.
 */
public final class ScheduleException extends RuntimeException {
    public static final String VALIDATION = "ValidationException";
    public static final String NOT_FOUND = "ResourceNotFoundException";

    private final String type;

    ScheduleException(String type, String message) {
        super(message);
        this.type = type;
    }

    /** A ValidationException. */
    public static ScheduleException invalid(String format, Object... args) {
        return new ScheduleException(VALIDATION, format.formatted(args));
    }

    static ScheduleException notFound(String format, Object... args) {
        return new ScheduleException(NOT_FOUND, format.formatted(args));
    }

    /** The error's type, e.g. {@code ValidationException}. */
    public String type() {
        return type;
    }
}
