package dev.ember.runtime.java;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code Context.getRemainingTimeInMillis()} against a clock the test moves: no waiting, no wall-clock races. */
class RemainingTimeTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.089Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    private final InstantSource clock = now::get;

    @Test
    void countsDownToTheDeadline() throws Exception {
        InvocationContext context = contextWithDeadline(NOW.plusSeconds(45));
        assertThat(context.getRemainingTimeInMillis()).isEqualTo(45_000);

        advance(Duration.ofMillis(2));

        assertThat(context.getRemainingTimeInMillis()).isEqualTo(44_998);
    }

    @Test
    void isZeroOnceTheDeadlineHasPassed() throws Exception {
        InvocationContext context = contextWithDeadline(NOW.plusMillis(10));

        advance(Duration.ofMillis(11));

        assertThat(context.getRemainingTimeInMillis()).isZero();
    }

    private void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    private InvocationContext contextWithDeadline(Instant deadline) throws Exception {
        var invocation = new Invocation("req-1", deadline.toEpochMilli(), null, null, null, null, null, new byte[0]);
        return InvocationContext.of(FunctionEnvironment.from(Map.of()), invocation, new StdoutLogger(System.out), clock);
    }
}
