package dev.ember.state.client;

/**
 * 409: an increment found a value that is not a 64-bit integer ({@code NotAnInteger}), or the total would not fit in
 * one ({@code Overflow}); {@link #errorType()} says which. Nothing was changed.
 */
public final class IncrementFailedException extends StateException {
    IncrementFailedException(String errorType, int status, String message) {
        super(errorType, status, message);
    }
}
