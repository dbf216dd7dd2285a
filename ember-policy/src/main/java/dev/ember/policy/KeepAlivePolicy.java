package dev.ember.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Decides how long an idle execution environment of a function version is kept before it is evicted.
 *
 * <p>Pure: no I/O, no threads, no clock of its own. The live server and the trace simulator call the same
 * implementations with their own notion of now.
 */
@FunctionalInterface
public interface KeepAlivePolicy {

    /**
     * How long an environment of {@code functionKey} that just became idle may stay idle.
     *
     * @param functionKey identifies the function version (e.g. {@code name:version})
     */
    Duration keepAlive(String functionKey);

    /**
     * The AWS-era baseline: every idle environment is kept for the same time.
     *
     * @param keepAlive e.g. ten minutes; must be positive
     */
    static KeepAlivePolicy fixed(Duration keepAlive) {
        return new Fixed(keepAlive);
    }

    /** The fixed policy. */
    record Fixed(Duration keepAlive) implements KeepAlivePolicy {
        public Fixed {
            Objects.requireNonNull(keepAlive, "keepAlive");
            if (keepAlive.isNegative() || keepAlive.isZero()) {
                throw new IllegalArgumentException("keepAlive must be positive, was " + keepAlive);
            }
        }

        @Override
        public Duration keepAlive(String functionKey) {
            return keepAlive;
        }
    }
}
