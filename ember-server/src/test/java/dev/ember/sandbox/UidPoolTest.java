package dev.ember.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UidPoolTest {

    @Test
    void aReleasedIdComesBackOnlyAfterTheRestOfTheRange() {
        UidPool pool = new UidPool();
        int first = pool.acquire();
        int second = pool.acquire();
        pool.release(first);

        assertThat(first).isEqualTo(UidPool.FIRST);
        assertThat(second).isEqualTo(UidPool.FIRST + 1);
        assertThat(pool.acquire()).as("not the id just released").isEqualTo(UidPool.FIRST + 2);
    }

    @Test
    void theSearchWrapsAroundAndAFullRangeIsRefused() {
        UidPool pool = new UidPool();
        for (int i = 0; i < UidPool.SIZE; i++) {
            pool.acquire();
        }
        assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("all 65536 environment user ids are in use");

        pool.release(UidPool.FIRST + 7);
        assertThat(pool.acquire()).isEqualTo(UidPool.FIRST + 7);
    }
}
