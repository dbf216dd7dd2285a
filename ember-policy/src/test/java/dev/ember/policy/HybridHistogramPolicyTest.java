package dev.ember.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.policy.ScalingPolicy.IdleDecision;
import org.junit.jupiter.api.Test;

/** The hybrid histogram policy's decisions, as the paper describes them, on crafted histories. */
class HybridHistogramPolicyTest {
    private static final long MINUTE = 60_000;
    private final ScalingPolicy policy = ScalingPolicy.hybrid();

    /** Invocations of 1 s, each {@code gapMillis} after the previous one ended; returns the last end. */
    private long invokeEvery(long gapMillis, int times) {
        long now = 0;
        for (int i = 0; i < times; i++) {
            policy.onArrival("f", now);
            now += 1000;
            policy.onEnd("f", now, 0);
            now += gapMillis;
        }
        return now - gapMillis;
    }

    @Test
    void withLittleHistoryItKeepsAliveForTheWholeRange() {
        long end = invokeEvery(30 * MINUTE, 5);

        assertThat(policy.onIdle("f", end, 0)).isEqualTo(IdleDecision.keep(240 * MINUTE));
    }

    @Test
    void aRegularPatternIsUnloadedThenPreWarmedJustBeforeTheNextCall() {
        long end = invokeEvery(30 * MINUTE, 20);

        IdleDecision decision = policy.onIdle("f", end, 0);

        // 5th percentile: the 30-minute bin's lower edge, minus 10 %; 99th: its upper edge, plus 10 %.
        assertThat(decision.keepAliveMillis()).isZero();
        assertThat(decision.prewarmAfterMillis()).isEqualTo((long) (30 * MINUTE * 0.9));
        assertThat(decision.prewarmKeepMillis()).isEqualTo((long) (31 * MINUTE * 1.1) - (long) (30 * MINUTE * 0.9));
    }

    @Test
    void idleTimesBeyondTheRangeAreForecast() {
        long end = invokeEvery(6 * 60 * MINUTE, 20);

        IdleDecision decision = policy.onIdle("f", end, 0);

        assertThat(decision.keepAliveMillis()).isZero();
        assertThat(decision.prewarmAfterMillis()).isBetween((long) (0.84 * 360 * MINUTE), (long) (0.86 * 360 * MINUTE));
        assertThat(decision.prewarmKeepMillis()).isBetween((long) (0.29 * 360 * MINUTE), (long) (0.31 * 360 * MINUTE));
    }

    @Test
    void aHistogramSpreadEvenlyIsNotRepresentative() {
        long now = 0;
        for (int i = 0; i < 240; i++) {
            policy.onArrival("f", now);
            policy.onEnd("f", now + 1000, 0);
            now += 1000 + i * MINUTE + MINUTE / 2; // one idle time in every bin
        }

        assertThat(policy.onIdle("f", now, 0)).isEqualTo(IdleDecision.keep(240 * MINUTE));
    }

    @Test
    void frequentCallsAreKeptWarmWithoutPreWarming() {
        long end = invokeEvery(10_000, 100);

        IdleDecision decision = policy.onIdle("f", end, 0);

        assertThat(decision.prewarmAfterMillis()).isZero();
        assertThat(decision.keepAliveMillis()).isEqualTo((long) (MINUTE * 1.1));
    }
}
