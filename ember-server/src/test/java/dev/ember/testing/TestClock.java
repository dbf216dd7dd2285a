package dev.ember.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock the test moves: {@code clock.advance(Duration.ofMinutes(10))} instead of sleeping. */
public final class TestClock implements InstantSource {
    private final AtomicReference<Instant> now;

    public TestClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    /** Moves the clock to {@code instant}, never back. */
    public void set(Instant instant) {
        now.updateAndGet(current -> {
            if (instant.isBefore(current)) {
                throw new IllegalArgumentException("the clock stands at " + current + ", cannot go back to " + instant);
            }
            return instant;
        });
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
