package dev.ember.state.client;

/** 413: the value is over 409,600 bytes (400 KB) of JSON. */
public final class ValueTooLargeException extends StateException {
    ValueTooLargeException(int status, String message) {
        super("ValueTooLarge", status, message);
    }
}
