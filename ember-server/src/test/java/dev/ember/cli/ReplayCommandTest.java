package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.policy.trace.AzureTrace;
import dev.ember.policy.trace.TraceFunction;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ember replay} drives a real server (real HTTP, real runtime processes, the server's own policy on a clock
 * running 90 times faster) with a small trace, and its cold starts agree with the simulator's on the same calls.
 */
class ReplayCommandTest {
    private static final CliContext CONTEXT = new CliContext(Map.of(), InstantSource.system(), false);

    @TempDir
    Path dir;

    /**
     * Timers every 3 to 31 minutes (below and above a 10-minute keep-alive) and sparse random callers: the shapes of
     * most of Azure's functions, a call every few minutes or less.
     */
    private static List<TraceFunction> smallTrace() {
        List<TraceFunction> functions = new ArrayList<>();
        double[] durations = {50, 80, 200, 400, 800, 1500, 3000};
        int[] periods = {3, 7, 11, 13, 17, 19, 23, 31};
        for (int i = 0; i < periods.length; i++) {
            int[] perMinute = new int[AzureTrace.MINUTES_PER_DAY];
            for (int m = i; m < perMinute.length; m += periods[i]) {
                perMinute[m] = 1;
            }
            functions.add(new TraceFunction("owner", "timer" + i, "f", "timer", perMinute, durations, 150));
        }
        var random = new SplittableRandom(11);
        for (int i = 0; i < 16; i++) {
            double rate = 0.03 + 0.02 * i; // calls a minute
            int[] perMinute = new int[AzureTrace.MINUTES_PER_DAY];
            for (int m = 0; m < perMinute.length; m++) {
                perMinute[m] = random.nextDouble() < rate ? 1 + (random.nextDouble() < 0.2 ? 1 : 0) : 0;
            }
            functions.add(new TraceFunction("owner", "sparse" + i, "f", "http", perMinute, durations, 200));
        }
        return functions;
    }

    @Test
    void liveColdStartsAgreeWithTheSimulatorsWithinTenPercent() throws Exception {
        AzureTrace.write(dir, smallTrace(), 1);

        Ember.Run run = Ember.run(CONTEXT, "replay", "--trace", dir.toString(), "--hours", "1", "--speedup", "90",
                "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out());
        JsonNode live = result.get("live");
        JsonNode simulated = result.get("simulated");
        assertThat(live.get("invocations").asLong()).isEqualTo(simulated.get("invocations").asLong()).isPositive();
        assertThat(live.get("errors").asLong()).isZero();
        assertThat(live.get("throttled").asLong()).isZero();
        long simulatedColdStarts = simulated.get("coldStarts").asLong();
        assertThat(simulatedColdStarts).isGreaterThan(40);
        assertThat((double) live.get("coldStarts").asLong())
                .as(run.out())
                .isBetween(simulatedColdStarts * 0.9, simulatedColdStarts * 1.1);
        assertThat(live.get("wastedGbSeconds").asDouble()).isPositive();
    }

    @Test
    void saysClearlyWhatIsWrong() {
        Ember.Run noTrace = Ember.run(CONTEXT, "replay", "--trace", dir.resolve("missing").toString());
        assertThat(noTrace.exitCode()).isEqualTo(1);
        assertThat(noTrace.err()).contains("no trace directory at");

        Ember.Run badSpeedup = Ember.run(CONTEXT, "replay", "--trace", dir.toString(), "--speedup", "0");
        assertThat(badSpeedup.exitCode()).isEqualTo(1);
        assertThat(badSpeedup.err()).contains("--speedup must be between 1 and 10000, was 0");

        Ember.Run badPolicy = Ember.run(CONTEXT, "replay", "--trace", dir.toString(), "--policy", "lru");
        assertThat(badPolicy.exitCode()).isEqualTo(1);
        assertThat(badPolicy.err()).contains("--policy must be one of [fixed, hybrid, greedy-dual, ember]");
    }
}
