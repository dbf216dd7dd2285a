package dev.ember.state.client;

/**
 * 400: the request itself is wrong, {@link #errorType()} says how: {@code InvalidKey} (empty), {@code KeyTooLong}
 * (over 1024 bytes of UTF-8), {@code InvalidNamespace} ({@code [A-Za-z0-9_.-]{1,140}}), {@code InvalidValue} (not
 * JSON), {@code InvalidTransaction} (a key in two operations, or not 1 to 100 operations) or {@code InvalidRequest}.
 */
public final class InvalidRequestException extends StateException {
    InvalidRequestException(String errorType, int status, String message) {
        super(errorType, status, message);
    }
}
