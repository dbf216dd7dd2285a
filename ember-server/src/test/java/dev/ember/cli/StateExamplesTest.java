package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.EmberTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state examples of {@code examples/}, deployed and invoked with the CLI as the README shows, their state read
 * back with {@code ember state}: the Python one over the plain HTTP API, the Java one with the ember-state client.
 */
class StateExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    EmberTestServer ember;
    CliContext context;

    @BeforeEach
    void start() {
        ember = EmberTestServer.start(dataDir);
        context = Ember.context(ember);
    }

    @AfterEach
    void stop() {
        ember.close();
    }

    private Ember.Run ember(String... args) {
        return Ember.succeeded(context, args);
    }

    private JsonNode invoke(String function, String payload) throws Exception {
        return JSON.readTree(ember("invoke", function, "--payload", payload).out());
    }

    @Test
    void thePythonShopCountsVisitsKeepsCartsAndChecksOutInOneTransaction() throws Exception {
        ember("deploy", "shop", "--code", EXAMPLES.resolve("python-state").toString(), "--runtime",
                "provided.al2023", "--handler", "none");

        assertThat(invoke("shop", "{\"action\":\"visit\"}").get("visits").asLong()).isEqualTo(1);
        assertThat(invoke("shop", "{\"action\":\"visit\"}").get("visits").asLong()).isEqualTo(2);
        JsonNode added = invoke("shop", "{\"action\":\"add\",\"user\":\"ann\",\"item\":\"tea\"}");
        assertThat(added.get("cart").get("items").toString()).isEqualTo("[\"tea\"]");
        // Four at once, each in its own environment: every item lands, the losers of a race retry.
        List<Future<JsonNode>> adds = new ArrayList<>();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String item : List.of("cup", "pot", "milk", "sugar")) {
                adds.add(callers.submit(() -> invoke("shop", "{\"action\":\"add\",\"user\":\"ann\",\"item\":\""
                        + item + "\"}")));
            }
        }
        for (Future<JsonNode> add : adds) {
            assertThat(add.get().get("attempts").asInt()).isBetween(1, 10);
        }
        JsonNode cart = invoke("shop", "{\"action\":\"cart\",\"user\":\"ann\"}");
        assertThat(cart.get("cart").get("items")).hasSize(5);
        assertThat(JSON.readTree(ember("state", "get", "shop", "cart/ann").out())).isEqualTo(cart.get("cart"));

        JsonNode order = invoke("shop", "{\"action\":\"checkout\",\"user\":\"ann\"}");
        assertThat(order.get("order").asText()).isEqualTo("order/000001");
        assertThat(order.get("orders").asLong()).isEqualTo(1);
        assertThat(invoke("shop", "{\"action\":\"cart\",\"user\":\"ann\"}").get("cart").isNull()).isTrue();
        JsonNode stored = JSON.readTree(ember("state", "get", "shop", "order/000001").out());
        assertThat(stored.get("user").asText()).isEqualTo("ann");
        assertThat(stored.get("items")).hasSize(5);
        assertThat(ember("state", "get", "shop", "visits").out()).isEqualTo("2\n");
        assertThat(invoke("shop", "{\"action\":\"checkout\",\"user\":\"ann\"}").get("error").asText())
                .isEqualTo("the cart of ann is empty");
    }

    @Test
    void theJavaExampleCountsVisitsWithTheClient() throws Exception {
        Path jar = EXAMPLES.resolve("java-state/target/java-state.jar");
        assertThat(jar).as("built by the reactor before ember-server").exists();
        ember("deploy", "visits", "--code", jar.toString(), "--runtime", "java21", "--handler",
                "example.Visits::handleRequest", "--memory", "256");

        JsonNode first = invoke("visits", "{\"page\":\"/menu\",\"visitor\":\"bob\"}");
        assertThat(first.get("visits").asLong()).isEqualTo(1);
        assertThat(first.get("youWereFirst").asBoolean()).isTrue();
        JsonNode second = invoke("visits", "{\"page\":\"/menu\",\"visitor\":\"ann\"}");
        assertThat(second.get("visits").asLong()).isEqualTo(2);
        assertThat(second.get("firstVisitor").asText()).isEqualTo("bob");
        assertThat(second.get("youWereFirst").asBoolean()).isFalse();
        assertThat(ember("state", "get", "visits", "visits/menu").out()).isEqualTo("2\n");
        assertThat(ember("state", "ls", "visits").out()).contains("first/menu", "\"bob\"", "visits/menu");
    }
}
