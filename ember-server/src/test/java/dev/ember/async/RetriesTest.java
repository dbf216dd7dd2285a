package dev.ember.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Lambda's retry delays for asynchronous events. */
class RetriesTest {
    @Test
    void functionErrorsWaitOneMinuteThenTwo() {
        assertThat(Retries.afterFunctionError(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Retries.afterFunctionError(2)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void throttlesBackOffExponentiallyFromOneSecondToFiveMinutes() {
        assertThat(IntStream.rangeClosed(1, 11).mapToObj(Retries::afterThrottle).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L);
        assertThat(Retries.afterThrottle(10_000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anEventExpiresOnlyPastItsMaximumAge() {
        assertThat(Retries.expired(0, 60_000, 60)).isFalse();
        assertThat(Retries.expired(0, 60_001, 60)).isTrue();
    }
}
