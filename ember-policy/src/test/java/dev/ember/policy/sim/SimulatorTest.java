package dev.ember.policy.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.policy.ScalingPolicy;
import dev.ember.policy.trace.TraceFunction;
import dev.ember.policy.trace.TraceGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

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

    /** Function {@code app}/fn of 100 MB, called once (100 ms) in each of {@code minutes} of a one-hour trace. */
    private static TraceFunction calledAt(String app, int... minutes) {
        int[] perMinute = new int[60];
        for (int m : minutes) {
            perMinute[m] = 1;
        }
        double[] d = {100, 100, 100, 100, 100, 100, 100};
        return new TraceFunction("o", app, "fn", "http", perMinute, d, 100);
    }

    /** Keeps idle environments an hour; values and warm targets per function as given; records evictions. */
    private static final class ValuedPolicy implements ScalingPolicy {
        final Map<String, Double> values;
        final Map<String, Integer> warmTargets;
        final List<String> evicted = new ArrayList<>();

        ValuedPolicy(Map<String, Double> values, Map<String, Integer> warmTargets) {
            this.values = values;
            this.warmTargets = warmTargets;
        }

        @Override
        public String name() {
            return "valued";
        }

        @Override
        public void onArrival(String function, long now) {
        }

        @Override
        public void onEnd(String function, long now, int running) {
        }

        @Override
        public IdleDecision onIdle(String function, long now, int idle) {
            return IdleDecision.keep(3_600_000);
        }

        @Override
        public int warmTarget(String function, long now) {
            return warmTargets.getOrDefault(function, 0);
        }

        @Override
        public double keepValue(String function, long idleSince, long now) {
            return values.get(function);
        }

        @Override
        public void evicted(String function, double value) {
            evicted.add(function + "=" + value);
        }
    }

    static final List<String> POLICIES = ScalingPolicy.NAMES;

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
        SimulationResult fixed = Simulator.run(diurnal, ScalingPolicy.named("fixed"), 1);

        assertThat(ember.coldStartPercentBetween(20, 8, 1)).as("evening and night, days 2 and 3").isLessThan(1);
        assertThat(ember.coldStarts()).isLessThan(hybrid.coldStarts() / 2);
        // The climb at 20:00 itself: environments started before it, where a fixed keep-alive starts ~200 cold.
        long climb = ember.coldStartsBetweenMinutes(19 * 60 + 30, 20 * 60 + 30, 1);
        assertThat(climb).isLessThan(fixed.coldStartsBetweenMinutes(19 * 60 + 30, 20 * 60 + 30, 1) / 4);
        // By day it holds no more than 10 % beyond what the day's peak needs.
        assertThat(ember.heldOverNeededBetween(9, 19, 1)).isLessThanOrEqualTo(1.10);
    }

    @ParameterizedTest
    @FieldSource("POLICIES")
    void aBudgetThatIsNeverReachedChangesNothing(String policy) {
        var trace = TraceGenerator.generate(TraceGenerator.Scenario.AZURE, 40, 2, 3);

        SimulationResult unlimited = Simulator.run(trace, ScalingPolicy.named(policy), 5);
        SimulationResult budgeted = Simulator.run(trace, ScalingPolicy.named(policy), 5,
                unlimited.peakMemoryMb() * 10);

        assertThat(budgeted.functions()).isEqualTo(unlimited.functions());
        assertThat(budgeted.peakMemoryMb()).isEqualTo(unlimited.peakMemoryMb());
        assertThat(budgeted.coldStartsByMinute()).isEqualTo(unlimited.coldStartsByMinute());
        assertThat(budgeted.dropped()).isZero();
    }

    @ParameterizedTest
    @FieldSource("POLICIES")
    void memoryNeverExceedsTheBudget(String policy) {
        var trace = TraceGenerator.generate(TraceGenerator.Scenario.AZURE, 40, 2, 3);
        double budget = Simulator.run(trace, ScalingPolicy.fixed(600_000), 5).peakMemoryMb() / 2;

        SimulationResult result = Simulator.run(trace, ScalingPolicy.named(policy), 5, budget);

        assertThat(result.peakMemoryMb()).isPositive().isLessThanOrEqualTo(budget);
        assertThat(result.invocations()).isEqualTo(trace.stream().mapToLong(TraceFunction::invocations).sum());
        assertThat(result.coldStarts() + result.dropped()).isPositive();
    }

    @Test
    void aBudgetSmallerThanTheFunctionDropsEveryInvocation() {
        SimulationResult result = Simulator.run(List.of(every(1, 1, 100, 1024)), ScalingPolicy.fixed(600_000), 1, 1000);

        assertThat(result.invocations()).isEqualTo(1440);
        assertThat(result.dropped()).isEqualTo(1440);
        assertThat(result.coldStarts()).isZero();
        assertThat(result.wastedGbSeconds()).isZero();
        assertThat(result.peakMemoryMb()).isZero();
    }

    @Test
    void evictsTheIdleEnvironmentOfLowestValueAndNeverABusyOne() {
        var policy = new ValuedPolicy(Map.of("a/fn", 2.0, "b/fn", 1.0, "c/fn", 3.0), Map.of());
        // Room for two 100 MB environments. Minute 2: c needs room from a and b, idle; b is worth less.
        // Minute 4: a finds its environment; b needs room again, and only c's is idle.
        var trace = List.of(calledAt("a", 0, 4), calledAt("b", 0, 4), calledAt("c", 2));

        SimulationResult result = Simulator.run(trace, policy, 1, 250);

        assertThat(policy.evicted).containsExactly("b/fn=1.0", "c/fn=3.0");
        assertThat(result.functions()).extracting(SimulationResult.FunctionResult::coldStarts).containsExactly(1L, 2L, 1L);
        assertThat(result.dropped()).isZero();
    }

    @Test
    void preWarmsUseOnlyFreeMemory() {
        var policy = new ValuedPolicy(Map.of("a/fn", 1.0, "b/fn", 1.0), Map.of("b/fn", 1));
        // Room for one. b's forecast pre-warms one at once, which a's cold start then evicts; from then on a's idle
        // environment holds the memory and b's forecast must not take it: b starts cold at minute 10.
        var trace = List.of(calledAt("a", 0), calledAt("b", 10));

        SimulationResult result = Simulator.run(trace, policy, 1, 150);

        assertThat(policy.evicted).containsExactly("b/fn=1.0", "a/fn=1.0");
        assertThat(result.functions()).extracting(SimulationResult.FunctionResult::coldStarts).containsExactly(1L, 1L);
    }

    @Test
    void rejectsABudgetThatIsNotPositive() {
        var trace = List.of(calledAt("a", 0));

        assertThatThrownBy(() -> Simulator.run(trace, ScalingPolicy.fixed(600_000), 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("budgetMb must be positive, was 0.0");
        assertThatThrownBy(() -> Simulator.run(trace, ScalingPolicy.fixed(600_000), 1, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
