package dev.ember.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The stem cells a kind keeps, on the caller's clock. */
class StemCellPolicyTest {
    private static final long MINUTE = 60_000;

    @Test
    void noCellsBeforeTheFirstColdStart() {
        var policy = new StemCellPolicy(16);
        assertThat(policy.target("java/512MB", 0)).isZero();
        assertThat(policy.explain("java/512MB", 0)).contains("no cold start yet");
    }

    @Test
    void aLoneColdStartKeepsOneCellForAnHourThenNone() {
        var policy = new StemCellPolicy(16);
        policy.onColdStart("provided/128MB", 0);
        assertThat(policy.target("provided/128MB", 1)).isEqualTo(1);
        assertThat(policy.target("provided/128MB", StemCellPolicy.IDLE_LIMIT_MILLIS - 1)).isEqualTo(1);
        assertThat(policy.target("provided/128MB", StemCellPolicy.IDLE_LIMIT_MILLIS)).isZero();
        assertThat(policy.target("java/512MB", 1)).as("another kind").isZero();
    }

    @Test
    void aBurstWithinOneBootTimeKeepsThatManyForTheBurstMemory() {
        var policy = new StemCellPolicy(16);
        policy.booted("java/512MB", 400);
        for (int i = 0; i < 10; i++) {
            policy.onColdStart("java/512MB", 1_000 + i * 10L); // ten within 100 ms
        }
        assertThat(policy.target("java/512MB", 2_000)).isEqualTo(10);
        assertThat(policy.target("java/512MB", 1_090 + StemCellPolicy.BURST_MEMORY_MILLIS - 1)).isEqualTo(10);
        assertThat(policy.target("java/512MB", 1_090 + StemCellPolicy.BURST_MEMORY_MILLIS)).isEqualTo(1);
    }

    @Test
    void coldStartsFartherApartThanABootTimeAreNoBurst() {
        var policy = new StemCellPolicy(16);
        policy.booted("java/512MB", 200);
        for (int i = 0; i < 30; i++) {
            policy.onColdStart("java/512MB", i * MINUTE);
        }
        assertThat(policy.target("java/512MB", 30 * MINUTE)).isEqualTo(1);
    }

    @Test
    void theLargestRecentBurstCountsAndTheCapHolds() {
        var policy = new StemCellPolicy(8);
        policy.booted("k", 1_000);
        for (int i = 0; i < 5; i++) {
            policy.onColdStart("k", i);
        }
        for (int i = 0; i < 3; i++) {
            policy.onColdStart("k", 5 * MINUTE + i);
        }
        assertThat(policy.target("k", 6 * MINUTE)).as("the five, still remembered").isEqualTo(5);
        assertThat(policy.target("k", 12 * MINUTE)).as("the five forgotten, the three not").isEqualTo(3);
        for (int i = 0; i < 50; i++) {
            policy.onColdStart("k", 13 * MINUTE + i);
        }
        assertThat(policy.target("k", 13 * MINUTE + 100)).isEqualTo(8);
        assertThat(policy.explain("k", 13 * MINUTE + 100)).startsWith("8 cells");
    }
}
