package dev.ember.invoke;

import java.util.concurrent.atomic.AtomicInteger;

/** The account concurrency limit: how many invocations may run at once across all functions. */
final class Admission {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    Admission(int limit) {
        this.limit = limit;
    }

    /** Takes a slot, or returns false at the limit (the caller is throttled, never queued). */
    boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }
}
