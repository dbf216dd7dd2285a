package dev.ember.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeepAlivePolicyTest {

    @Test
    void fixedKeepsEveryFunctionForTheSameTime() {
        KeepAlivePolicy policy = KeepAlivePolicy.fixed(Duration.ofMinutes(10));

        assertThat(policy.keepAlive("a:$LATEST")).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.keepAlive("b:7")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void fixedRefusesANonPositiveKeepAlive() {
        assertThatIllegalArgumentException().isThrownBy(() -> KeepAlivePolicy.fixed(Duration.ZERO))
                .withMessageContaining("must be positive");
    }
}
