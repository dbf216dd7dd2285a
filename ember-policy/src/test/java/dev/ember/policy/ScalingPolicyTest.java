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
}
