package dev.ember.cli;

import static dev.ember.cli.FakeLambda.JSON;
import static dev.ember.cli.FakeLambda.configuration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListCommandTest {
    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    private static String page(String nextMarker, JsonNode... functions) {
        var page = JSON.createObjectNode();
        page.putArray("Functions").addAll(List.of(functions));
        if (nextMarker != null) {
            page.put("NextMarker", nextMarker);
        }
        return page.toString();
    }

    @Test
    void followsNextMarkerAndPrintsOneRowPerFunction() {
        lambda.on("GET", "/2015-03-31/functions", 200, page("m+1/x",
                configuration("hello", "$LATEST").put("Runtime", "java25").put("MemorySize", 512)));
        lambda.on("GET", "/2015-03-31/functions?Marker=m%2B1%2Fx", 200, page(null,
                configuration("resize-images", "$LATEST").put("Timeout", 30)));

        Ember.Run run = Ember.against(lambda, "ls");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("GET /2015-03-31/functions",
                "GET /2015-03-31/functions?Marker=m%2B1%2Fx");
        assertThat(run.out()).isEqualTo("""
                NAME           RUNTIME          MEMORY  TIMEOUT  VERSION  LAST-MODIFIED
                hello          java25           512MB   3s       $LATEST  2025-06-01T11:00:00.000+0000
                resize-images  provided.al2023  128MB   30s      $LATEST  2025-06-01T11:00:00.000+0000
                """);
    }

    @Test
    void listsEveryVersionWithAllVersions() {
        lambda.on("GET", "/2015-03-31/functions?FunctionVersion=ALL", 200, page("next",
                configuration("hello", "$LATEST"), configuration("hello", "1")));
        lambda.on("GET", "/2015-03-31/functions?FunctionVersion=ALL&Marker=next", 200, page(null,
                configuration("hello", "2")));

        Ember.Run run = Ember.against(lambda, "ls", "--all-versions");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().skip(1).map(line -> line.split(" +")[4]))
                .containsExactly("$LATEST", "1", "2");
    }

    @Test
    void printsOnlyTheHeaderWhenThereAreNoFunctions() {
        lambda.on("GET", "/2015-03-31/functions", 200, "{\"Functions\":[]}");

        Ember.Run run = Ember.against(lambda, "ls");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("NAME  RUNTIME  MEMORY  TIMEOUT  VERSION  LAST-MODIFIED\n");
    }
}
