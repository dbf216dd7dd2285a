package dev.ember.state.client;

/**
 * No answer: the state API could not be reached, the connection broke, or what came back was not HTTP. Status 0,
 * {@link #errorType()} {@code Unavailable}. A write that fails so may or may not have been applied (the message says
 * which when it is known); a read may simply be tried again.
 */
public final class StateUnavailableException extends StateException {
    StateUnavailableException(String message, Throwable cause) {
        super("Unavailable", 0, message, cause);
    }
}
