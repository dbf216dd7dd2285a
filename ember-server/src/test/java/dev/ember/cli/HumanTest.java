package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HumanTest {
    @ParameterizedTest
    @CsvSource({"0, 0s", "0.9, 0s", "45, 45s", "60, 1m", "192, 3m 12s", "3600, 1h", "3660, 1h 1m", "3601, 1h",
        "21600, 6h", "273600, 3d 4h", "86401, 1d", "-5, 0s"})
    void writesADurationInItsTwoLargestUnits(double seconds, String written) {
        assertThat(Human.duration(Duration.ofMillis(Math.round(seconds * 1000)))).isEqualTo(written);
    }

    @Test
    void writesHowLongAgoAndAFutureInstantAsNow() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");

        assertThat(Human.ago(now.minusSeconds(150), now)).isEqualTo("2m 30s ago");
        assertThat(Human.ago(now.plusSeconds(2), now)).isEqualTo("0s ago");
    }

    @Test
    void writesHowLongUntilAnInstantRoundedUpAndAPastOneAsDue() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");

        assertThat(Human.fromNow(now.plusSeconds(300), now)).isEqualTo("in 5m");
        assertThat(Human.fromNow(now.plusSeconds(299).plusMillis(400), now)).isEqualTo("in 5m");
        assertThat(Human.fromNow(now.plusSeconds(50_400), now)).isEqualTo("in 14h");
        assertThat(Human.fromNow(now, now)).isEqualTo("due now");
        assertThat(Human.fromNow(now.minusSeconds(3), now)).isEqualTo("due now");
    }

    @Test
    void countsInTheSingularForOne() {
        assertThat(Human.count(1, "message")).isEqualTo("1 message");
        assertThat(Human.count(0, "message")).isEqualTo("0 messages");
        assertThat(Human.count(2, "retry", "retries")).isEqualTo("2 retries");
    }
}
