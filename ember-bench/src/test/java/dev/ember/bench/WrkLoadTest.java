package dev.ember.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;

class WrkLoadTest {
    private static final String OUTPUT = """
            Running 5s test @ http://127.0.0.1:9316/2015-03-31/functions/noop/invocations
              1 threads and 8 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.52ms    1.83ms  40.01ms   93.10%
                Req/Sec     5.87k   412.33     6.41k    84.00%
              Latency Distribution
                 50%    1.26ms
                 75%    1.61ms
                 90%    2.23ms
                 99%   13.60ms
              29236 requests in 5.00s, 5.91MB read
              Non-2xx or 3xx responses: 3
            Requests/sec:   5845.06
            Transfer/sec:      1.18MB
            """;

    @Test
    void readsCountDurationErrorsAndPercentiles() {
        LoadResult result = WrkLoad.parse(8, OUTPUT);

        assertThat(result.requests()).isEqualTo(29236);
        assertThat(result.seconds()).isEqualTo(5.0);
        assertThat(result.errors()).isEqualTo(3);
        assertThat(result.p50Micros()).isEqualTo(1260.0);
        assertThat(result.p99Micros()).isEqualTo(13600.0);
        assertThat(result.throughput()).isEqualTo(5847.2);
    }

    @Test
    void refusesOutputItDoesNotKnow() {
        assertThatIllegalStateException().isThrownBy(() -> WrkLoad.parse(1, "unable to connect"))
                .withMessageContaining("no request count");
    }
}
