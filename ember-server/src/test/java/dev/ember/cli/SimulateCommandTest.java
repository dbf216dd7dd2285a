package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ember trace generate} then {@code ember simulate}, as a user runs them. */
class SimulateCommandTest {
    private static final CliContext CONTEXT = new CliContext(Map.of(), InstantSource.system(), false);

    @TempDir
    Path dir;

    @Test
    void generatesATraceAndComparesThePoliciesOnIt() throws Exception {
        Ember.Run generated = Ember.run(CONTEXT, "trace", "generate", "--out", dir.toString(), "--apps", "30",
                "--days", "2", "--seed", "4");
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        assertThat(generated.out()).startsWith("wrote 30 function(s)");

        Ember.Run table = Ember.run(CONTEXT, "simulate", "--trace", dir.toString());
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("POLICY").contains("fixed").contains("hybrid").contains("ember");

        Ember.Run json = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--policy", "hybrid", "--json");
        JsonNode result = new ObjectMapper().readTree(json.out());
        assertThat(result.get("functions").asInt()).isEqualTo(30);
        assertThat(result.get("results")).hasSize(1);
        JsonNode hybrid = result.get("results").get(0);
        assertThat(hybrid.get("policy").asText()).isEqualTo("hybrid");
        assertThat(hybrid.get("invocations").asLong()).isPositive();
        assertThat(hybrid.get("coldStarts").asLong()).isPositive();
        assertThat(hybrid.has("wastedRelativeToFixed10m")).isTrue();
    }

    @Test
    void saysClearlyWhatIsWrong() {
        Ember.Run noTrace = Ember.run(CONTEXT, "simulate", "--trace", dir.resolve("missing").toString());
        assertThat(noTrace.exitCode()).isEqualTo(1);
        assertThat(noTrace.err()).contains("no trace directory at").contains("./ember trace generate");

        Ember.Run badPolicy = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--policy", "lru");
        assertThat(badPolicy.exitCode()).isEqualTo(1);
        assertThat(badPolicy.err()).contains("--policy must be fixed, hybrid, ember or all, was 'lru'");

        Ember.Run badScenario = Ember.run(CONTEXT, "trace", "generate", "--out", dir.toString(), "--scenario", "x");
        assertThat(badScenario.exitCode()).isEqualTo(1);
        assertThat(badScenario.err()).contains("--scenario must be azure, diurnal or spike");
    }
}
