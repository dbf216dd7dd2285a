package dev.ember.state;

import static dev.ember.state.StateClient.body;
import static dev.ember.state.StateClient.requests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.testing.EmberTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile function ("mallory") against another's namespace ("alice"): every way in it may try is refused with 403
 * and changes nothing. The server does not sandbox, so that mallory can even reach alice's own Runtime API listener on
 * the loopback, as an unsandboxed function could.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileStateTest {
    EmberTestServer ember;
    StateClient alice;
    StateClient mallory;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dataDir) {
        ember = EmberTestServer.start(dataDir, o -> o.withSandbox(false));
        alice = StateClient.deploy(ember.lambda(), "alice");
        mallory = StateClient.deploy(ember.lambda(), "mallory");
        alice.run(requests()
                .add("PUT", "/namespaces/alice/keys/secret").with("body", "\"alice's\"")
                .add("POST", "/namespaces/alice/increment/balance").with("body", Map.of("delta", 100)));
    }

    @AfterAll
    void stop() {
        http.close();
        ember.close();
    }

    private static void assertDenied(JsonNode result) {
        assertThat(result.get("status").asInt()).as(result.toString()).isEqualTo(403);
        assertThat(body(result).get("errorType").asText()).isEqualTo("AccessDenied");
    }

    @Test
    void anotherFunctionsNamespaceIsRefusedForEveryOperation() {
        var attacks = requests()
                .add("GET", "/namespaces/alice/keys/secret")
                .add("GET", "/namespaces/alice/keys/does-not-exist")
                .add("PUT", "/namespaces/alice/keys/secret").with("body", "\"mallory's\"")
                .add("DELETE", "/namespaces/alice/keys/secret")
                .add("POST", "/namespaces/alice/increment/balance").with("body", Map.of("delta", -100))
                .add("GET", "/namespaces/alice/keys")
                .add("GET", "/namespaces/alice/keys?prefix=s")
                .add("GET", "/namespaces/%61lice/keys/secret")
                .add("GET", "/namespaces/nobody-at-all/keys/x")
                .add("POST", "/transaction").with("body", Map.of("operations", List.of(
                        Map.of("op", "put", "namespace", "mallory", "key", "loot", "value", 1),
                        Map.of("op", "increment", "namespace", "alice", "key", "balance", "delta", -100))))
                .add("POST", "/transaction").with("body", Map.of("operations", List.of(
                        Map.of("op", "check", "namespace", "alice", "key", "secret", "version", 1))))
                .add("GET", "/namespaces").add("GET", "/namespaces/alice/grants")
                .add("PUT", "/namespaces/alice/grants/mallory")
                .add("DELETE", "/namespaces/alice")
                .add("DELETE", "/namespaces/mallory");
        JsonNode results = mallory.run(attacks).get("results");
        for (JsonNode result : results) {
            assertDenied(result);
        }
        JsonNode other = mallory.run(requests()
                .add("GET", "/namespaces/ALICE/keys/secret")
                .add("GET", "/namespaces/alice%2Fkeys/secret")
                .add("GET", "/namespaces/mallory/../alice/keys/secret")
                .add("GET", "/namespaces/mallory/keys/loot")).get("results");
        assertDenied(other.get(0)); // namespaces are case-sensitive: ALICE is not alice, nor mallory's
        assertThat(body(other.get(1)).get("errorType").asText()).isEqualTo("InvalidNamespace");
        assertThat(other.get(2).get("status").asInt()).isEqualTo(404);
        assertThat(other.get(3).get("status").asInt()).as("nothing of the refused transaction").isEqualTo(404);
        assertAliceUntouched();
    }

    @Test
    void requestsWithoutTheEnvironmentsTokenAreRefused() {
        JsonNode results = mallory.run(requests()
                .add("GET", "/namespaces/mallory/keys/x").with("token", null)
                .add("GET", "/namespaces/mallory/keys/x").with("token", "0".repeat(32))
                .add("GET", "/namespaces/mallory/keys/x").with("token", "")).get("results");
        results.forEach(HostileStateTest::assertDenied);
    }

    @Test
    void anotherEnvironmentsListenerDoesNotTakeACallerForItsFunction() {
        // Mallory found alice's listener on the loopback (unsandboxed, ports can be scanned): without alice's token,
        // whatever it sends, the listener refuses; mallory's own token is not alice's.
        String aliceAddress = alice.run(requests()).get("address").asText(); // alice's warm environment's
        JsonNode results = mallory.run(requests()
                .add("GET", "/namespaces/alice/keys/secret").with("address", aliceAddress)
                .add("GET", "/namespaces/alice/keys/secret").with("address", aliceAddress).with("token", null)
                .add("PUT", "/namespaces/alice/keys/secret").with("address", aliceAddress)
                .with("body", "\"mallory's\"")
                .add("POST", "/namespaces/alice/increment/balance").with("address", aliceAddress)
                .with("token", "f".repeat(32))).get("results");
        results.forEach(HostileStateTest::assertDenied);
        assertAliceUntouched();
    }

    @Test
    void aGrantOpensASharedNamespaceToOneFunctionOnlyAndGoesWithTheFunction() throws Exception {
        assertThat(control("PUT", "/namespaces/team/keys/plan", "\"shared plan\"").statusCode()).isEqualTo(200);
        assertThat(control("PUT", "/namespaces/team/grants/alice", null).statusCode()).isEqualTo(200);
        assertThat(alice.one("GET", "/namespaces/team/keys/plan", null).get("body").asText())
                .isEqualTo("\"shared plan\"");
        assertDenied(mallory.one("GET", "/namespaces/team/keys/plan", null));

        ember.lambda().deleteFunction(b -> b.functionName("alice"));
        StateClient again = StateClient.deploy(ember.lambda(), "alice");
        assertDenied(again.one("GET", "/namespaces/team/keys/plan", null));
        assertThat(again.one("GET", "/namespaces/alice/keys/secret", null).get("status").asInt())
                .as("a deleted function's namespace keeps its keys").isEqualTo(200);
        alice = again;
    }

    private void assertAliceUntouched() {
        JsonNode results = alice.run(requests()
                .add("GET", "/namespaces/alice/keys/secret")
                .add("GET", "/namespaces/alice/keys/balance")).get("results");
        assertThat(results.get(0).get("body").asText()).isEqualTo("\"alice's\"");
        assertThat(results.get(1).get("body").asText()).isEqualTo("100");
    }

    private HttpResponse<String> control(String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(ember.endpoint() + "/ember/v1/state" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
