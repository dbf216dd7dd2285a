package dev.ember.async;

import java.time.Instant;

/**
 * How asynchronous invocations of one function version or alias are retried and where their records go, as
 * PutFunctionEventInvokeConfig sets it.
 *
 * @param function               the function's name
 * @param qualifier              {@code $LATEST}, a version or an alias
 * @param maximumRetryAttempts   retries after a function error, 0 to 2
 * @param maximumEventAgeSeconds how long an event is kept for delivery, 60 to 21600 seconds
 * @param onSuccess              where the record of a successful invocation goes, or null
 * @param onFailure              where the record of an event that failed or expired goes, or null
 * @param lastModified           when it was last set; null for the defaults of a qualifier without a configuration
 */
public record EventInvokeConfig(String function, String qualifier, int maximumRetryAttempts,
                                int maximumEventAgeSeconds, Destination onSuccess, Destination onFailure,
                                Instant lastModified) {
    public static final int DEFAULT_RETRY_ATTEMPTS = 2;
    public static final int MAX_RETRY_ATTEMPTS = 2;
    public static final int DEFAULT_EVENT_AGE_SECONDS = 21_600;
    public static final int MIN_EVENT_AGE_SECONDS = 60;
    public static final int MAX_EVENT_AGE_SECONDS = 21_600;

    /** What applies to a qualifier without a configuration: two retries, six hours, no destinations. */
    static EventInvokeConfig defaults(String function, String qualifier) {
        return new EventInvokeConfig(function, qualifier, DEFAULT_RETRY_ATTEMPTS, DEFAULT_EVENT_AGE_SECONDS, null,
                null, null);
    }
}
