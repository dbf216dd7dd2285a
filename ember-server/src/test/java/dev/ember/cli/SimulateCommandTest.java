package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

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
        assertThat(table.out()).contains("POLICY").contains("fixed").contains("hybrid").contains("greedy-dual")
                .contains("ember").doesNotContain("DROPPED");

        Ember.Run json = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--policy", "hybrid", "--json");
        JsonNode result = new ObjectMapper().readTree(json.out());
        assertThat(result.get("functions").asInt()).isEqualTo(30);
        assertThat(result.get("results")).hasSize(1);
        JsonNode hybrid = result.get("results").get(0);
        assertThat(hybrid.get("policy").asText()).isEqualTo("hybrid");
        assertThat(hybrid.get("invocations").asLong()).isPositive();
        assertThat(hybrid.get("coldStarts").asLong()).isPositive();
        assertThat(hybrid.has("wastedRelativeToFixed10m")).isTrue();
        assertThat(hybrid.get("dropped").asLong()).isZero();
        assertThat(result.get("memoryBudgetMb").isNull()).isTrue();
    }

    @Test
    void aMemoryBudgetCapsThePeakAndDropsWhatDoesNotFit() throws Exception {
        generate();

        Ember.Run table = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--memory-budget", "1.5g");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("DROPPED");

        Ember.Run json = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--memory-budget", "1.5", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(json.out());
        assertThat(result.get("memoryBudgetMb").asDouble()).isEqualTo(1536);
        assertThat(result.get("results")).hasSize(4);
        long unlimitedInvocations = new ObjectMapper().readTree(Ember.run(CONTEXT, "simulate", "--trace",
                dir.toString(), "--policy", "fixed", "--json").out()).get("results").get(0).get("invocations").asLong();
        for (JsonNode policy : result.get("results")) {
            assertThat(policy.get("peakMemoryMb").asDouble()).as(policy.toString()).isLessThanOrEqualTo(1536);
            assertThat(policy.get("invocations").asLong()).isEqualTo(unlimitedInvocations);
            assertThat(policy.get("dropped").asLong()).isNotNegative();
        }
    }

    @Test
    void plotsEachPolicyAsAPointInAWellFormedSvg() throws Exception {
        generate();
        Path svg = dir.resolve("policies.svg");

        Ember.Run run = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--memory-budget", "4",
                "--plot", svg.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();

        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(document.getDocumentElement().getTextContent()).contains("memory budget 4 GB")
                .contains("wasted memory (normalised to fixed 10 min)").contains("cold starts (% of invocations)");
        List<String> labels = new ArrayList<>();
        NodeList groups = document.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            assertThat(group.getElementsByTagName("circle").getLength()).isEqualTo(1);
            labels.add(group.getElementsByTagName("text").item(0).getTextContent().split(" ")[0]);
        }
        assertThat(labels).containsExactly("fixed", "hybrid", "greedy-dual", "ember");
    }

    @Test
    void saysClearlyWhatIsWrong() {
        Ember.Run noTrace = Ember.run(CONTEXT, "simulate", "--trace", dir.resolve("missing").toString());
        assertThat(noTrace.exitCode()).isEqualTo(1);
        assertThat(noTrace.err()).contains("no trace directory at").contains("./ember trace generate");

        Ember.Run badPolicy = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--policy", "lru");
        assertThat(badPolicy.exitCode()).isEqualTo(1);
        assertThat(badPolicy.err()).contains("--policy must be fixed, hybrid, greedy-dual, ember or all, was 'lru'");

        for (String budget : List.of("0", "-1", "16m", "lots", "", "1.5.2")) {
            Ember.Run badBudget = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--memory-budget", budget);
            assertThat(badBudget.exitCode()).as(budget).isEqualTo(1);
            assertThat(badBudget.err()).contains("--memory-budget must be a positive number of GB (e.g. 16, 1.5 or "
                    + "16g), was '" + budget + "'");
        }

        Ember.Run badPlot = Ember.run(CONTEXT, "simulate", "--trace", dir.toString(), "--plot",
                dir.resolve("missing/plot.svg").toString());
        assertThat(badPlot.exitCode()).isEqualTo(1);
        assertThat(badPlot.err()).contains("--plot: no directory").contains("missing");

        Ember.Run badScenario = Ember.run(CONTEXT, "trace", "generate", "--out", dir.toString(), "--scenario", "x");
        assertThat(badScenario.exitCode()).isEqualTo(1);
        assertThat(badScenario.err()).contains("--scenario must be azure, diurnal or spike");
    }

    private void generate() {
        Ember.Run generated = Ember.run(CONTEXT, "trace", "generate", "--out", dir.toString(), "--apps", "30",
                "--days", "2", "--seed", "4");
        assertThat(generated.exitCode()).as(generated.err()).isZero();
    }
}
