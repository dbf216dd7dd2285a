package dev.ember.pool;

import dev.ember.registry.FunctionVersion;
import java.time.Instant;
import java.util.List;

/**
 * Calls of functions known before they arrive: a schedule is a perfect forecast. The {@link WarmPool} starts an
 * environment shortly before each, and lets a function that only timers call go right after its call when the next is
 * far away, whatever its scaling policy would have kept.
 *
 * <p>Asked from the invocation path and from housekeeping, so answers must be quick and must not call back into the
 * pool. Thread-safe.
 */
public interface KnownCalls {

    /** No call is known ahead. */
    KnownCalls NONE = new KnownCalls() {
        @Override
        public List<Call> due(Instant after, Instant until) {
            return List.of();
        }

        @Override
        public Instant next(FunctionVersion version, Instant after) {
            return null;
        }
    };

    /**
     * One call due: {@code version} (what its target resolves to now) is called at {@code at}.
     *
     * @param source what calls it, for reports: a schedule's name
     */
    record Call(FunctionVersion version, Instant at, String source) {
    }

    /** The calls due strictly after {@code after} and no later than {@code until}, the first of each source only. */
    List<Call> due(Instant after, Instant until);

    /** When the first call of {@code version} strictly after {@code after} is due, or null when none is known. */
    Instant next(FunctionVersion version, Instant after);
}
