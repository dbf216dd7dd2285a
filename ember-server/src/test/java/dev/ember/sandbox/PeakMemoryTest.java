package dev.ember.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PeakMemoryTest {

    @Test
    void parsesTheHighWaterMark() {
        byte[] status = "Name:\tjava\nVmPeak:\t  9000 kB\nVmHWM:\t   41236 kB\nVmRSS:\t 40000 kB\n"
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(PeakMemory.parse(status, status.length)).isEqualTo(41236);
        assertThat(PeakMemory.parse(status, 10)).isZero();
    }

    @Test
    void readsThisProcessAgainAndAgain() {
        try (PeakMemory memory = PeakMemory.of(ProcessHandle.current().pid())) {
            long first = memory.kilobytes();
            assertThat(first).isPositive();
            assertThat(memory.kilobytes()).isGreaterThanOrEqualTo(first);
        }
    }
}
