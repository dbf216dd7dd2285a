package dev.ember.policy.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The synthetic trace has the characteristics published for Azure Functions in 2019. */
class TraceGeneratorTest {
    static final int APPS = 1000;
    static final int DAYS = 7;
    static List<TraceFunction> trace;

    @BeforeAll
    static void generate() {
        trace = TraceGenerator.generate(TraceGenerator.Scenario.AZURE, APPS, DAYS, 7);
    }

    private static double[] perDaySorted() {
        return trace.stream().mapToDouble(f -> f.invocations() / (double) DAYS).sorted().toArray();
    }

    private static double shareOfApps(java.util.function.DoublePredicate perDay) {
        return (double) Arrays.stream(perDaySorted()).filter(perDay).count() / APPS;
    }

    @Test
    void invocationFrequencyMatchesThePaper() {
        assertThat(shareOfApps(perDay -> perDay <= 24)).as("invoked at most once an hour").isCloseTo(0.45,
                within(0.04));
        assertThat(shareOfApps(perDay -> perDay <= 1440)).as("at most once a minute").isCloseTo(0.81,
                within(0.04));
    }

    @Test
    void theBusiestFifthCarriesAlmostAllInvocations() {
        double[] perDay = perDaySorted();
        int top = (int) Math.round(APPS * 0.186);
        double topSum = Arrays.stream(perDay, APPS - top, APPS).sum();
        // 99.6 % in the paper; capping an app at 50,000 a day (to keep traces small) costs a few points.
        assertThat(topSum / Arrays.stream(perDay).sum()).isGreaterThan(0.95);
    }

    @Test
    void triggersAreSharedAsPublished() {
        Map<String, Long> byTrigger = trace.stream().collect(Collectors.groupingBy(TraceFunction::trigger,
                Collectors.counting()));
        assertThat(byTrigger.get("http") / (double) APPS).isCloseTo(0.55, within(0.04));
        assertThat(byTrigger.get("queue") / (double) APPS).isCloseTo(0.15, within(0.03));
        assertThat(byTrigger.get("timer") / (double) APPS).isCloseTo(0.16, within(0.03));
        assertThat(byTrigger.get("event") / (double) APPS).isCloseTo(0.02, within(0.015));
    }

    @Test
    void aboutFortyPercentOfAppsHaveBurstyArrivals() {
        long bursty = trace.stream().filter(f -> f.invocations() >= 20).filter(f -> interArrivalCv(f) > 1.5).count();
        long measurable = trace.stream().filter(f -> f.invocations() >= 20).count();
        assertThat(bursty / (double) measurable).isBetween(0.25, 0.55);
    }

    @Test
    void executionTimesAndMemoryFollowThePublishedDistributions() {
        double[] medians = trace.stream().mapToDouble(f -> f.durationMs()[3]).sorted().toArray();
        // log-normal(-0.38, 2.36) s: half of the functions average under about 0.7 s
        assertThat(medians[APPS / 2]).isBetween(300.0, 1200.0);
        double[] memory = trace.stream().mapToDouble(TraceFunction::memoryMb).sorted().toArray();
        assertThat(memory[APPS / 2]).as("half of the apps at most ~170 MB").isBetween(130.0, 200.0);
    }

    @Test
    void mostTimersFireAtMostOnceAMinute() {
        List<TraceFunction> timers = trace.stream().filter(f -> f.trigger().equals("timer")).toList();
        long atMostOncePerMinute = timers.stream()
                .filter(f -> Arrays.stream(f.perMinute()).allMatch(count -> count <= 1)).count();
        assertThat(atMostOncePerMinute / (double) timers.size()).isGreaterThan(0.75);
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        List<TraceFunction> again = TraceGenerator.generate(TraceGenerator.Scenario.AZURE, 50, 2, 11);
        List<TraceFunction> once = TraceGenerator.generate(TraceGenerator.Scenario.AZURE, 50, 2, 11);
        for (int i = 0; i < 50; i++) {
            assertThat(again.get(i).perMinute()).isEqualTo(once.get(i).perMinute());
            assertThat(again.get(i).function()).isEqualTo(once.get(i).function());
        }
    }

    @Test
    void diurnalScenarioClimbsFromTwoToTwoHundredConcurrent() {
        TraceFunction f = TraceGenerator.generate(TraceGenerator.Scenario.DIURNAL, 1, 2, 3).getFirst();
        double durationS = f.durationMs()[3] / 1000;
        double noon = f.perMinute()[12 * 60] / 60.0 * durationS;
        double night = f.perMinute()[22 * 60] / 60.0 * durationS;
        assertThat(noon).isBetween(0.5, 6.0);
        assertThat(night).isBetween(160.0, 240.0);
    }

    @Test
    void spikeScenarioBurstsAHundredfold() {
        TraceFunction f = TraceGenerator.generate(TraceGenerator.Scenario.SPIKE, 1, 2, 3).getFirst();
        int max = Arrays.stream(f.perMinute()).max().orElseThrow();
        double median = Arrays.stream(f.perMinute()).sorted().toArray()[f.perMinute().length / 2];
        assertThat(max / median).isGreaterThan(50);
    }

    /** The coefficient of variation of inter-arrival times, arrivals placed at minute starts. */
    private static double interArrivalCv(TraceFunction f) {
        List<Integer> gaps = new java.util.ArrayList<>();
        int last = -1;
        for (int m = 0; m < f.perMinute().length; m++) {
            for (int i = 0; i < f.perMinute()[m]; i++) {
                if (last >= 0) {
                    gaps.add(m - last);
                }
                last = m;
            }
        }
        double mean = gaps.stream().mapToInt(Integer::intValue).average().orElse(0);
        double variance = gaps.stream().mapToDouble(g -> (g - mean) * (g - mean)).average().orElse(0);
        return mean == 0 ? 0 : Math.sqrt(variance) / mean;
    }
}
