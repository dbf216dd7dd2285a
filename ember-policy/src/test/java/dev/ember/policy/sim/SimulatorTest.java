package dev.ember.policy.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.policy.ScalingPolicy;
import dev.ember.policy.trace.TraceFunction;
import dev.ember.policy.trace.TraceGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's accounting on traces whose answers are known. */
class SimulatorTest {

    private static TraceFunction every(int minutes, int days, double durationMs, double memoryMb) {
        int[] perMinute = new int[days * 1440];
        for (int m = 0; m < perMinute.length; m += minutes) {
            perMinute[m] = 1;
        }
        double[] d = {durationMs, durationMs, durationMs, durationMs, durationMs, durationMs, durationMs};
        return new TraceFunction("o", "app", "fn", "timer", perMinute, d, memoryMb);
    }

    @Test
    void aFunctionCalledEveryMinuteStartsColdOnceUnderATenMinuteKeepAlive() {
        SimulationResult result = Simulator.run(List.of(every(1, 1, 100, 1024)), ScalingPolicy.fixed(600_000), 1);

        assertThat(result.invocations()).isEqualTo(1440);
        assertThat(result.coldStarts()).isEqualTo(1);
        // Idle about 59.9 s of every minute, then 10 minutes after the last call (cut at the trace's end).
        assertThat(result.wastedGbSeconds()).isBetween(1439 * 59.0, 1440 * 60.0 + 600);
    }

    @Test
    void everyHalfHourIsAlwaysColdForTenMinutesButWarmForTheHybridOnceItHasLearnt() {
        TraceFunction halfHourly = every(30, 2, 100, 256);

        SimulationResult fixed = Simulator.run(List.of(halfHourly), ScalingPolicy.fixed(600_000), 1);
        SimulationResult hybrid = Simulator.run(List.of(halfHourly), ScalingPolicy.hybrid(), 1);

        assertThat(fixed.coldStarts()).isEqualTo(96);
        assertThat(hybrid.coldStarts()).isLessThan(5);
        assertThat(hybrid.wastedGbSeconds()).isLessThan(fixed.wastedGbSeconds() * 2);
    }

    @Test
    void theSameSeedGivesTheSameResult() {
        var trace = TraceGenerator.generate(TraceGenerator.Scenario.AZURE, 40, 2, 3);

        SimulationResult once = Simulator.run(trace, ScalingPolicy.ember(), 9);
        SimulationResult again = Simulator.run(trace, ScalingPolicy.ember(), 9);

        assertThat(again.coldStarts()).isEqualTo(once.coldStarts());
        assertThat(again.wastedGbSeconds()).isEqualTo(once.wastedGbSeconds());
    }

    @Test
    void emberHasTheEveningsEnvironmentsReadyAfterOneDay() {
        var diurnal = TraceGenerator.generate(TraceGenerator.Scenario.DIURNAL, 1, 3, 5);

        SimulationResult ember = Simulator.run(diurnal, ScalingPolicy.ember(), 1);
        SimulationResult hybrid = Simulator.run(diurnal, ScalingPolicy.hybrid(), 1);

        assertThat(ember.coldStartPercentBetween(20, 8, 1)).as("evening and night, days 2 and 3").isLessThan(1);
        assertThat(ember.coldStarts()).isLessThan(hybrid.coldStarts() / 2);
    }
}
