package dev.ember.async;

import java.time.Duration;

/**
 * Lambda's retry rules for asynchronous invocations. A function error is retried {@code MaximumRetryAttempts}
 * times, one minute after the first failure and two after the second. A throttle or platform error is retried with
 * exponential backoff, from one second up to five minutes, for as long as the event is younger than
 * {@code MaximumEventAgeInSeconds}. Times are on the injected clock, so tests move it instead of waiting.
 */
final class Retries {
    static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    static final Duration SECOND_RETRY = Duration.ofMinutes(2);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private Retries() {
    }

    /** The wait before the retry that follows the {@code functionErrors}-th function error (1 or 2). */
    static Duration afterFunctionError(int functionErrors) {
        return functionErrors <= 1 ? FIRST_RETRY : SECOND_RETRY;
    }

    /** The wait before the next attempt after {@code throttles} throttles or platform errors in a row. */
    static Duration afterThrottle(int throttles) {
        int doublings = Math.min(Math.max(throttles - 1, 0), 20);
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << doublings);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    /** Whether an event enqueued at {@code enqueuedAt} is past its maximum age at {@code at} (epoch ms). */
    static boolean expired(long enqueuedAt, long at, int maximumEventAgeSeconds) {
        return at - enqueuedAt > maximumEventAgeSeconds * 1000L;
    }
}
