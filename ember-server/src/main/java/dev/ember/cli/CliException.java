package dev.ember.cli;

/**
 * A failure the user can act on. Its message is printed as is after {@code ember: }, on one line, without a stack
 * trace, and the command exits with 1.
 */
class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server is not listening at {@code endpoint}. */
    static CliException noServer(String endpoint) {
        return new CliException("no Ember server at " + endpoint + " — start one with ./ember server");
    }
}
