package dev.ember.state;

/**
 * A request the state API refuses: the status and {@code errorType} it is answered with, and a message for the
 * person who wrote the function. Thrown for clients' mistakes only, so it carries no stack trace.
 */
final class StateError extends RuntimeException {
    private final int status;
    private final String type;

    StateError(int status, String type, String format, Object... args) {
        super(args.length == 0 ? format : format.formatted(args), null, false, false);
        this.status = status;
        this.type = type;
    }

    static StateError invalid(String type, String format, Object... args) {
        return new StateError(400, type, format, args);
    }

    static StateError badRequest(String format, Object... args) {
        return new StateError(400, "InvalidRequest", format, args);
    }

    static StateError denied(String format, Object... args) {
        return new StateError(403, "AccessDenied", format, args);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }
}
