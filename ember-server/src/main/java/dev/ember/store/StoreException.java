package dev.ember.store;

/** The embedded store failed (I/O, corruption, a constraint the caller did not expect). Not the user's fault. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
