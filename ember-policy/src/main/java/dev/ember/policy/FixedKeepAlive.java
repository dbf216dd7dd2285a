package dev.ember.policy;

import java.time.Duration;
import java.util.Objects;

/** Every idle environment is kept for the same time: the baseline every other policy is measured against. */
record FixedKeepAlive(Duration keepAlive) implements KeepAlivePolicy {
    FixedKeepAlive {
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
