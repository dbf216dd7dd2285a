package dev.ember.cli;

import static dev.ember.cli.FakeLambda.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AliasCommandTest {
    private static final String ALIASES = "/2015-03-31/functions/hello/aliases";

    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    private static String alias(String version, String weighted, double weight) {
        ObjectNode alias = JSON.createObjectNode()
                .put("AliasArn", "arn:aws:lambda:us-east-1:000000000000:function:hello:live")
                .put("Name", "live").put("FunctionVersion", version).put("RevisionId", "r1");
        if (weighted != null) {
            alias.putObject("RoutingConfig").putObject("AdditionalVersionWeights").put(weighted, weight);
        }
        return alias.toString();
    }

    @Test
    void createsAWeightedAlias() throws Exception {
        lambda.on("POST", ALIASES, 201, alias("1", "2", 0.1));

        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "1", "--weight", "2=0.1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", ALIASES).json()).isEqualTo(JSON.readTree("""
                {"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.1}}}"""));
        assertThat(run.out()).isEqualTo("created alias hello:live -> 1 (90%), 2 (10%)\n");
    }

    @Test
    void createsAPlainAliasWithoutRoutingConfig() throws Exception {
        lambda.on("POST", ALIASES, 201, alias("3", null, 0));

        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", ALIASES).json())
                .isEqualTo(JSON.readTree("{\"Name\":\"live\",\"FunctionVersion\":\"3\"}"));
        assertThat(run.out()).isEqualTo("created alias hello:live -> 3\n");
    }

    @Test
    void updatesTheAliasWhenItExistsAndClearsTheWeights() throws Exception {
        lambda.onError("POST", ALIASES, 409, "ResourceConflictException",
                "Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:hello:live");
        lambda.on("PUT", ALIASES + "/live", 200, alias("2", null, 0));

        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("POST " + ALIASES, "PUT " + ALIASES + "/live");
        assertThat(lambda.request("PUT", ALIASES + "/live").json()).isEqualTo(JSON.readTree("""
                {"FunctionVersion":"2","RoutingConfig":{"AdditionalVersionWeights":{}}}"""));
        assertThat(run.out()).isEqualTo("updated alias hello:live -> 2\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void updatesWithTheWeight() throws Exception {
        lambda.onError("POST", ALIASES, 409, "ResourceConflictException", "Alias already exists");
        lambda.on("PUT", ALIASES + "/live", 200, alias("2", "3", 0.25));

        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "2", "--weight", "3=0.25");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("PUT", ALIASES + "/live").json()).isEqualTo(JSON.readTree("""
                {"FunctionVersion":"2","RoutingConfig":{"AdditionalVersionWeights":{"3":0.25}}}"""));
        assertThat(run.out()).isEqualTo("updated alias hello:live -> 2 (75%), 3 (25%)\n");
    }

    @Test
    void reportsOtherErrorsOfCreateAlias() {
        lambda.onError("POST", ALIASES, 404, "ResourceNotFoundException", "Function not found: hello:7");

        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "7");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: ResourceNotFoundException: Function not found: hello:7\n");
        assertThat(lambda.requestLines()).containsExactly("POST " + ALIASES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "=0.1", "x=0.1", "$LATEST=0.1", "0=0.1", "2=", "2=abc", "2=1.5", "2=-0.1", "2=NaN"})
    void rejectsAMalformedWeightBeforeAnyRequest(String weight) {
        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "1", "--weight", weight);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("ember: Invalid value for option '--weight': expected VERSION=WEIGHT with"
                + " WEIGHT between 0 and 1, e.g. 2=0.1, but got '" + weight + "'");
        assertThat(lambda.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2=0", "2=1", "2=0.5", "12=0.05", " 2 = 0.3 "})
    void acceptsWeightsFromZeroToOne(String weight) {
        VersionWeight parsed = new VersionWeight.Converter().convert(weight);

        assertThat(parsed.weight()).isBetween(0.0, 1.0);
        assertThat(parsed.version()).matches("[0-9]+");
    }

    @Test
    void takesAtMostOneWeight() {
        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "1", "--weight", "2=0.1", "--weight", "3=0.1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("ember: option '--weight' (VERSION=WEIGHT) should be specified only once");
        assertThat(lambda.requests()).isEmpty();
    }

    @Test
    void refusesAWeightOnTheAliasesOwnVersion() {
        Ember.Run run = Ember.against(lambda, "alias", "hello", "live", "2", "--weight", "2=0.1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("ember: --weight 2=0.1 names the alias's own version;");
        assertThat(lambda.requests()).isEmpty();
    }
}
