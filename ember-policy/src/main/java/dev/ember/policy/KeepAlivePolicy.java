package dev.ember.policy;

import java.time.Duration;

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
     * @param functionKey the function version, {@code name:version}
     */
    Duration keepAlive(String functionKey);

    /**
     * The AWS-era baseline: every idle environment is kept for the same time.
     *
     * @param keepAlive e.g. ten minutes; must be positive
     */
    static KeepAlivePolicy fixed(Duration keepAlive) {
        return new FixedKeepAlive(keepAlive);
    }
}
