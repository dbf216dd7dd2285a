package dev.ember.state;

import static dev.ember.state.StateClient.requests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.testing.EmberTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many environments on the same keys at once: increments are never lost, transactions never create or destroy
 * money. Each environment is a function invocation running its loop of requests, so they run concurrently, each on
 * its own Runtime API listener.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentStateTest {
    private static final int ENVIRONMENTS = 8;
    EmberTestServer ember;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        ember = EmberTestServer.start(dataDir);
    }

    @AfterAll
    void stop() {
        ember.close();
    }

    /** Runs {@code event} in {@code n} concurrent invocations of {@code client}'s function; their answers. */
    private static List<JsonNode> concurrently(int n, StateClient client, java.util.function.IntFunction<JsonNode> event)
            throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(n)) {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                answers.add(threads.submit(() -> client.invoke(event.apply(index))));
            }
            List<JsonNode> results = new ArrayList<>();
            for (Future<JsonNode> answer : answers) {
                results.add(answer.get());
            }
            return results;
        }
    }

    @Test
    void eightEnvironmentsIncrementingOneCounterAThousandTimesEachCountEightThousand() throws Exception {
        StateClient counter = StateClient.deploy(ember.lambda(), "counter");
        long started = System.nanoTime();
        List<JsonNode> answers = concurrently(ENVIRONMENTS, counter, i -> {
            ObjectNode event = StateClient.JSON.createObjectNode();
            event.set("requests", requests().add("POST", "/namespaces/counter/increment/hits").with("times", 1000)
                    .list);
            return event;
        });
        long ms = (System.nanoTime() - started) / 1_000_000;
        Set<String> environments = new HashSet<>();
        for (JsonNode answer : answers) {
            assertThat(answer.get("results").get(0).get("done").asInt()).as(answer.toString()).isEqualTo(1000);
            environments.add(answer.get("stream").asText());
        }
        assertThat(environments).as("one environment per concurrent invocation").hasSize(ENVIRONMENTS);
        JsonNode total = counter.one("GET", "/namespaces/counter/keys/hits", null);
        assertThat(total.get("body").asText()).isEqualTo("8000");
        System.out.printf("ConcurrentStateTest: %d increments from %d environments in %d ms (%.0f/s)%n",
                ENVIRONMENTS * 1000, ENVIRONMENTS, ms, ENVIRONMENTS * 1000 * 1000.0 / ms);
    }

    @Test
    void concurrentTransfersBetweenTenAccountsNeverCreateOrLoseMoney() throws Exception {
        StateClient bank = StateClient.deploy(ember.lambda(), "bank");
        var open = requests();
        for (int a = 0; a < 10; a++) {
            open.add("PUT", "/namespaces/bank/keys/account-" + a).with("body", 1000);
        }
        bank.run(open);

        List<JsonNode> answers = concurrently(6, bank, i -> {
            ObjectNode event = StateClient.JSON.createObjectNode();
            event.putObject("transfers").put("namespace", "bank").put("accounts", 10).put("n", 150)
                    .put("seed", i);
            return event;
        });
        int conflicts = 0;
        for (JsonNode answer : answers) {
            JsonNode result = answer.get("results").get(0);
            assertThat(result.get("status").asInt()).as(result.toString()).isEqualTo(200);
            assertThat(result.get("done").asInt()).isEqualTo(150);
            conflicts += result.get("conflicts").asInt();
        }

        long sum = 0;
        try (HttpClient http = HttpClient.newHttpClient()) {
            String listing = http.send(HttpRequest.newBuilder(URI.create(ember.endpoint()
                    + "/ember/v1/state/namespaces/bank/keys?prefix=account-")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            JsonNode items = StateClient.JSON.readTree(listing).get("items");
            assertThat(items).hasSize(10);
            for (JsonNode item : items) {
                assertThat(item.get("value").asLong()).isNotNegative();
                sum += item.get("value").asLong();
            }
        }
        assertThat(sum).isEqualTo(10_000);
        System.out.printf("ConcurrentStateTest: 900 transfers committed, %d conflicts retried%n", conflicts);
        assertThat(conflicts).as("the transfers did race").isPositive();
    }
}
