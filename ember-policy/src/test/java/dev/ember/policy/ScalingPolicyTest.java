package dev.ember.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.policy.ScalingPolicy.IdleDecision;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {

    @Test
    void fixedKeepsEveryIdleEnvironmentForTheSameTimeAndForecastsNothing() {
        ScalingPolicy fixed = ScalingPolicy.fixed(600_000);

        assertThat(fixed.onIdle("f:$LATEST", 0, 0)).isEqualTo(IdleDecision.keep(600_000));
        assertThat(fixed.onIdle("g:1", 5_000, 12)).isEqualTo(IdleDecision.keep(600_000));
        assertThat(fixed.warmTarget("f:$LATEST", 0)).isZero();
        assertThat(fixed.name()).isEqualTo("fixed");
    }

    @Test
    void aKeepAliveMustBePositive() {
        assertThatThrownBy(() -> ScalingPolicy.fixed(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }

    @Test
    void policiesAreFoundByName() {
        assertThat(ScalingPolicy.named("ember").name()).isEqualTo("ember");
        assertThat(ScalingPolicy.named("hybrid").name()).isEqualTo("hybrid");
        assertThat(ScalingPolicy.named("fixed").onIdle("f", 0, 0)).isEqualTo(IdleDecision.keep(600_000));
        assertThat(ScalingPolicy.named("greedy-dual").name()).isEqualTo("greedy-dual");
        assertThatThrownBy(() -> ScalingPolicy.named("lru")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown policy 'lru'");
    }

    @Test
    void emberKeepsAFunctionWithLittleHistoryForTheDefaultTenMinutes() {
        ScalingPolicy ember = ScalingPolicy.ember();
        ember.onArrival("f", 0);
        ember.onEnd("f", 100, 0);

        assertThat(ember.onIdle("f", 100, 0)).isEqualTo(IdleDecision.keep(600_000));
    }

    @Test
    void greedyDualKeepsUntilEvictedAndRanksByFrequencyTimesCostOverSize() {
        ScalingPolicy greedy = ScalingPolicy.greedyDual();
        greedy.profile("cheap", 1024, 100);   // 0.1 ms per MB
        greedy.profile("dear", 128, 1_000);   // 7.8 ms per MB
        for (int i = 0; i < 3; i++) {
            greedy.onArrival("cheap", i);
            greedy.onArrival("dear", i);
        }

        assertThat(greedy.onIdle("cheap", 10, 0).keepAliveMillis()).isGreaterThan(365L * 24 * 3_600_000);
        greedy.onIdle("dear", 10, 0);
        double cheap = greedy.keepValue("cheap", 10, 20);
        double dear = greedy.keepValue("dear", 10, 20);
        assertThat(cheap).isLessThan(dear);

        // The clock rises to what was evicted: a function idle from now on outranks the old ones of equal worth.
        greedy.evicted("cheap", cheap);
        greedy.onArrival("cheap", 30);
        greedy.onIdle("cheap", 40, 0);
        assertThat(greedy.keepValue("cheap", 40, 50)).isGreaterThan(cheap + 3 * 0.1);
    }

    @Test
    void underPressureEmberLetsGoOfRarelyCalledLargeFunctionsFirst() {
        ScalingPolicy ember = ScalingPolicy.ember();
        ember.profile("busy", 128, 500);
        ember.profile("rare", 2048, 500);
        for (long t = 0; t < 30 * 60_000; t += 10_000) {
            ember.onArrival("busy", t);
            ember.onEnd("busy", t + 100, 0);
        }
        ember.onArrival("rare", 0);
        ember.onEnd("rare", 100, 0);

        long now = 30 * 60_000;
        assertThat(ember.keepValue("rare", now - 60_000, now)).isLessThan(ember.keepValue("busy", now - 60_000, now));
        assertThat(ember.keepValue("busy", now - 600_000, now)).isLessThan(ember.keepValue("busy", now, now));
    }
}
