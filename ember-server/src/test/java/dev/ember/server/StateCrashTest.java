package dev.ember.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.state.StateClient;
import dev.ember.testing.EmberTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * SIGKILL of the server in the middle of a storm of state writes: every write a function was answered 2xx for is
 * there after the restart, and no transaction is half there.
 */
class StateCrashTest {
    private static final int STORMS = 4;

    @TempDir
    Path dataDir;
    @TempDir
    Path work;

    @Test
    void everyAcknowledgedWriteSurvivesASigkillAndNoTransactionIsHalfApplied() throws Exception {
        List<Path> logs = new ArrayList<>();
        try (var server = ServerProcess.unsandboxed(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            StateClient storm = StateClient.deploy(lambda, "storm");
            for (int s = 0; s < STORMS; s++) {
                Path log = work.resolve("acknowledged-" + s);
                logs.add(log);
                ObjectNode event = StateClient.JSON.createObjectNode();
                event.putObject("storm").put("namespace", "storm").put("prefix", "s" + s).put("n", 1_000_000)
                        .put("log", log.toString());
                Thread.ofVirtual().start(() -> {
                    try {
                        storm.invoke(event);
                    } catch (RuntimeException e) {
                        // the server is killed under it: expected
                    }
                });
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged(logs).size() >= 1500);
            server.kill();
        }
        Set<String> acknowledged = acknowledged(logs);

        try (var server = ServerProcess.unsandboxed(dataDir); HttpClient http = HttpClient.newHttpClient()) {
            Map<String, Integer> a = new HashMap<>();
            Map<String, Integer> b = new HashMap<>();
            String next = null;
            long pairs = -1;
            do {
                String query = "?limit=1000" + (next == null ? "" : "&startAfter="
                        + URLEncoder.encode(next, StandardCharsets.UTF_8));
                JsonNode page = get(http, server.endpoint(), "/namespaces/storm/keys" + query);
                for (JsonNode item : page.get("items")) {
                    String key = item.get("key").asText();
                    if (key.equals("pairs")) {
                        pairs = item.get("value").asLong();
                    } else {
                        (key.startsWith("a/") ? a : b).put(key.substring(2), item.get("value").get("i").asInt());
                    }
                }
                next = page.has("nextToken") ? page.get("nextToken").asText() : null;
            } while (next != null);

            assertThat(a.keySet()).as("every acknowledged write is there").containsAll(acknowledged);
            assertThat(a).as("no transaction half applied").isEqualTo(b);
            assertThat(pairs).as("the counter of the same transactions").isEqualTo(a.size());
            System.out.printf("StateCrashTest: %d transactions acknowledged before the kill, %d found after the "
                    + "restart (the rest were in flight)%n", acknowledged.size(), a.size());
        }
    }

    private static Set<String> acknowledged(List<Path> logs) throws IOException {
        Set<String> keys = new HashSet<>();
        for (Path log : logs) {
            if (Files.exists(log)) {
                // A line cut by the kill has no newline yet: only whole lines were acknowledged and logged.
                String text = Files.readString(log);
                int end = text.lastIndexOf('\n');
                if (end > 0) {
                    keys.addAll(List.of(text.substring(0, end).split("\n")));
                }
            }
        }
        return keys;
    }

    private static JsonNode get(HttpClient http, URI endpoint, String path) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/ember/v1/state" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return StateClient.JSON.readTree(response.body());
    }
}
