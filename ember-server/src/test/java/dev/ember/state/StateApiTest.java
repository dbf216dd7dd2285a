package dev.ember.state;

import static dev.ember.state.StateClient.body;
import static dev.ember.state.StateClient.requests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The state API from inside an environment (a Python function), and on the control plane: docs/state-api.md. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StateApiTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    EmberTestServer ember;
    StateClient fn;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir java.nio.file.Path dataDir) {
        ember = EmberTestServer.start(dataDir, o -> o.withClock(clock));
        fn = StateClient.deploy(ember.lambda(), "stateful");
    }

    @AfterAll
    void stop() {
        http.close();
        ember.close();
    }

    @Test
    void putGetAndIncrementFromInsideAnEnvironment() {
        JsonNode results = fn.run(requests()
                .add("PUT", "/namespaces/stateful/keys/greeting").with("body", Map.of("hello", "world"))
                .add("GET", "/namespaces/stateful/keys/greeting")
                .add("POST", "/namespaces/stateful/increment/visits").with("body", Map.of("delta", 5))
                .add("POST", "/namespaces/stateful/increment/visits")
                .add("GET", "/namespaces/stateful/keys/visits")
                .add("GET", "/namespaces/stateful/keys/absent")).get("results");

        assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
        long version = body(results.get(0)).get("version").asLong();
        assertThat(version).isPositive();
        assertThat(results.get(0).get("etag").asText()).isEqualTo("\"" + version + "\"");
        assertThat(results.get(1).get("status").asInt()).isEqualTo(200);
        assertThat(body(results.get(1))).isEqualTo(StateClient.JSON.valueToTree(Map.of("hello", "world")));
        assertThat(results.get(1).get("etag").asText()).isEqualTo("\"" + version + "\"");
        assertThat(body(results.get(2)).get("value").asLong()).isEqualTo(5);
        assertThat(body(results.get(3)).get("value").asLong()).isEqualTo(6);
        assertThat(body(results.get(3)).get("version").asLong()).isGreaterThan(body(results.get(2))
                .get("version").asLong());
        assertThat(results.get(4).get("body").asText()).isEqualTo("6");
        assertThat(results.get(5).get("status").asInt()).isEqualTo(404);
        assertThat(body(results.get(5)).get("errorType").asText()).isEqualTo("KeyNotFound");
    }

    HttpResponse<String> control(String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(ember.endpoint() + "/ember/v1/state" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
