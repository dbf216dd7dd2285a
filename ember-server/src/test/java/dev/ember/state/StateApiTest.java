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

    @Test
    void conditionalWritesAnswer412UnlessTheVersionMatches() {
        JsonNode results = fn.run(requests()
                .add("PUT", "/namespaces/stateful/keys/doc").with("body", 1).header("If-None-Match", "*")
                .add("PUT", "/namespaces/stateful/keys/doc").with("body", 2).header("If-None-Match", "*")
                .add("GET", "/namespaces/stateful/keys/doc")).get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(412);
        assertThat(body(results.get(1)).get("errorType").asText()).isEqualTo("PreconditionFailed");
        String etag = results.get(2).get("etag").asText();
        assertThat(results.get(2).get("body").asText()).isEqualTo("1");

        results = fn.run(requests()
                .add("PUT", "/namespaces/stateful/keys/doc").with("body", 3).header("If-Match", "\"999999\"")
                .add("PUT", "/namespaces/stateful/keys/doc").with("body", 4).header("If-Match", etag)
                .add("PUT", "/namespaces/stateful/keys/doc").with("body", 5).header("If-Match", etag)
                .add("DELETE", "/namespaces/stateful/keys/doc").header("If-Match", etag)
                .add("GET", "/namespaces/stateful/keys/doc")).get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(412);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(200);
        assertThat(results.get(2).get("status").asInt()).as("the old version no longer matches").isEqualTo(412);
        assertThat(results.get(3).get("status").asInt()).isEqualTo(412);
        assertThat(results.get(4).get("body").asText()).isEqualTo("4");

        String current = results.get(4).get("etag").asText();
        results = fn.run(requests()
                .add("DELETE", "/namespaces/stateful/keys/doc").header("If-Match", current)
                .add("GET", "/namespaces/stateful/keys/doc")
                .add("DELETE", "/namespaces/stateful/keys/doc")
                .add("PUT", "/namespaces/stateful/keys/doc").with("body", 6).header("If-Match", current)).get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(204);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(404);
        assertThat(results.get(2).get("status").asInt()).as("deleting an absent key").isEqualTo(204);
        assertThat(results.get(3).get("status").asInt()).as("a deleted key has no version").isEqualTo(412);
    }

    @Test
    void listsByPrefixInKeyOrderPageByPage() {
        var puts = requests();
        for (int i = 24; i >= 0; i--) {
            puts.add("PUT", "/namespaces/stateful/keys/list%2F" + "k%02d".formatted(i)).with("body", i);
        }
        puts.add("PUT", "/namespaces/stateful/keys/lisu").with("body", "after the prefix")
                .add("PUT", "/namespaces/stateful/keys/lisa").with("body", "before the prefix");
        fn.run(puts);

        java.util.List<String> keys = new java.util.ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            String path = "/namespaces/stateful/keys?prefix=list%2F&limit=10"
                    + (next == null ? "" : "&startAfter=" + java.net.URLEncoder.encode(next,
                    java.nio.charset.StandardCharsets.UTF_8));
            JsonNode page = body(fn.one("GET", path, null));
            page.get("items").forEach(item -> {
                keys.add(item.get("key").asText());
                assertThat(item.get("value").asInt()).isEqualTo(Integer.parseInt(item.get("key").asText()
                        .substring(6)));
                assertThat(item.get("version").asLong()).isPositive();
            });
            next = page.has("nextToken") ? page.get("nextToken").asText() : null;
            pages++;
        } while (next != null);
        assertThat(pages).isEqualTo(3);
        assertThat(keys).hasSize(25).isSorted().first().isEqualTo("list/k00");
        JsonNode before = body(fn.one("GET", "/namespaces/stateful/keys?prefix=list%2F&startAfter=lisa&limit=1",
                null));
        assertThat(before.get("items").get(0).get("key").asText()).as("startAfter before the prefix")
                .isEqualTo("list/k00");
        JsonNode after = body(fn.one("GET", "/namespaces/stateful/keys?prefix=list%2F&startAfter=list%2Fk24", null));
        assertThat(after.get("items")).isEmpty();
        assertThat(after.has("nextToken")).isFalse();
    }

    @Test
    void keysAreAnyUtf8UpTo1KbAndValuesAnyJsonUpTo400Kb() {
        String unicode = "%D0%BA%D0%BB%D1%8E%D1%87/%C3%BC%20%F0%9F%94%A5";
        String longKey = "k".repeat(1024);
        String bigValue = "\"" + "v".repeat(400 * 1024 - 2) + "\"";
        JsonNode results = fn.run(requests()
                .add("PUT", "/namespaces/stateful/keys/" + unicode).with("body", "[1, {\"a\": null}]")
                .add("GET", "/namespaces/stateful/keys?prefix=%D0%BA")
                .add("PUT", "/namespaces/stateful/keys/" + longKey).with("body", bigValue)
                .add("PUT", "/namespaces/stateful/keys/" + longKey + "k").with("body", 1)
                .add("PUT", "/namespaces/stateful/keys/big").with("body", bigValue + " ")
                .add("PUT", "/namespaces/stateful/keys/bad").with("body", "{\"not\": json")
                .add("PUT", "/namespaces/stateful/keys/").with("body", 1)
                .add("GET", "/namespaces/stateful/keys/" + longKey)).get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
        JsonNode item = body(results.get(1)).get("items").get(0);
        assertThat(item.get("key").asText()).isEqualTo("ключ/ü 🔥");
        assertThat(item.get("value").toString()).isEqualTo("[1,{\"a\":null}]");
        assertThat(results.get(2).get("status").asInt()).as("a 1 KB key and a 400 KB value").isEqualTo(200);
        assertThat(body(results.get(3)).get("errorType").asText()).isEqualTo("KeyTooLong");
        assertThat(results.get(4).get("status").asInt()).isEqualTo(413);
        assertThat(body(results.get(4)).get("errorType").asText()).isEqualTo("ValueTooLarge");
        assertThat(body(results.get(5)).get("errorType").asText()).isEqualTo("InvalidValue");
        assertThat(body(results.get(6)).get("errorType").asText()).isEqualTo("InvalidKey");
        assertThat(results.get(7).get("body").asText()).isEqualTo(bigValue);
    }

    @Test
    void incrementsRefuseValuesThatAreNoIntegerAndOverflow() {
        JsonNode results = fn.run(requests()
                .add("PUT", "/namespaces/stateful/keys/word").with("body", "\"five\"")
                .add("POST", "/namespaces/stateful/increment/word")
                .add("PUT", "/namespaces/stateful/keys/max").with("body", Long.toString(Long.MAX_VALUE))
                .add("POST", "/namespaces/stateful/increment/max")
                .add("POST", "/namespaces/stateful/increment/max").with("body", Map.of("delta", -10))
                .add("POST", "/namespaces/stateful/increment/max").with("body", Map.of("delta", 1.5)))
                .get("results");
        assertThat(results.get(1).get("status").asInt()).isEqualTo(409);
        assertThat(body(results.get(1)).get("errorType").asText()).isEqualTo("NotAnInteger");
        assertThat(body(results.get(3)).get("errorType").asText()).isEqualTo("Overflow");
        assertThat(body(results.get(4)).get("value").asLong()).isEqualTo(Long.MAX_VALUE - 10);
        assertThat(results.get(5).get("status").asInt()).isEqualTo(400);
    }

    @Test
    void keysWithATtlExpireOnTheServersClock() {
        JsonNode results = fn.run(requests()
                .add("PUT", "/namespaces/stateful/keys/session").with("body", "\"s1\"")
                .header("X-Ember-Ttl-Seconds", "60")
                .add("POST", "/namespaces/stateful/increment/window").with("body", Map.of("ttlSeconds", 30))
                .add("GET", "/namespaces/stateful/keys/session")
                .add("PUT", "/namespaces/stateful/keys/session-forever").with("body", 1)
                .header("X-Ember-Ttl-Seconds", "0")).get("results");
        long expiresAt = clock.millis() + 60_000;
        assertThat(results.get(2).get("expires").asLong()).isEqualTo(expiresAt);
        assertThat(results.get(3).get("status").asInt()).isEqualTo(400);

        clock.advance(Duration.ofSeconds(31));
        results = fn.run(requests()
                .add("POST", "/namespaces/stateful/increment/window")
                .add("GET", "/namespaces/stateful/keys/session")).get("results");
        assertThat(body(results.get(0)).get("value").asLong()).as("the expired counter starts again").isEqualTo(1);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(30));
        results = fn.run(requests()
                .add("GET", "/namespaces/stateful/keys/session")
                .add("GET", "/namespaces/stateful/keys?prefix=session")
                .add("PUT", "/namespaces/stateful/keys/session").with("body", 2).header("If-None-Match", "*"))
                .get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(404);
        assertThat(body(results.get(1)).get("items")).isEmpty();
        assertThat(results.get(2).get("status").asInt()).as("an expired key is absent").isEqualTo(200);
    }

    @Test
    void transactionsApplyAllOrNothing() {
        JsonNode first = fn.one("POST", "/transaction", Map.of("operations", java.util.List.of(
                Map.of("op", "put", "namespace", "stateful", "key", "tx/a", "value", Map.of("n", 1)),
                Map.of("op", "increment", "namespace", "stateful", "key", "tx/count", "delta", 2),
                Map.of("op", "check", "namespace", "stateful", "key", "tx/none", "version", 0))));
        assertThat(first.get("status").asInt()).isEqualTo(200);
        JsonNode results = body(first).get("results");
        long version = results.get(0).get("version").asLong();
        assertThat(results.get(1).get("value").asLong()).isEqualTo(2);
        assertThat(results.get(2).isEmpty()).isTrue();

        JsonNode conflict = fn.one("POST", "/transaction", Map.of("operations", java.util.List.of(
                Map.of("op", "put", "namespace", "stateful", "key", "tx/b", "value", 1),
                Map.of("op", "increment", "namespace", "stateful", "key", "tx/count"),
                Map.of("op", "check", "namespace", "stateful", "key", "tx/a", "version", version + 1000),
                Map.of("op", "delete", "namespace", "stateful", "key", "tx/none", "ifVersion", 5))));
        assertThat(conflict.get("status").asInt()).isEqualTo(412);
        assertThat(body(conflict).get("errorType").asText()).isEqualTo("TransactionConflict");
        assertThat(body(conflict).get("failed").toString()).isEqualTo("[2,3]");
        JsonNode after = fn.run(requests()
                .add("GET", "/namespaces/stateful/keys/tx%2Fb")
                .add("GET", "/namespaces/stateful/keys/tx%2Fcount")
                .add("POST", "/transaction").with("body", Map.of("operations", java.util.List.of(
                        Map.of("op", "put", "namespace", "stateful", "key", "tx/c", "value", 1),
                        Map.of("op", "delete", "namespace", "stateful", "key", "tx/c"))))
                .add("POST", "/transaction").with("body", Map.of("operations", java.util.List.of())))
                .get("results");
        assertThat(after.get(0).get("status").asInt()).as("nothing of a failed transaction").isEqualTo(404);
        assertThat(after.get(1).get("body").asText()).isEqualTo("2");
        assertThat(body(after.get(2)).get("errorType").asText()).isEqualTo("InvalidTransaction");
        assertThat(body(after.get(3)).get("errorType").asText()).isEqualTo("InvalidTransaction");
    }

    @Test
    void theControlPlaneSeesAndManagesEveryNamespace() throws Exception {
        fn.one("PUT", "/namespaces/stateful/keys/from-inside", Map.of("x", 1));
        HttpResponse<String> get = control("GET", "/namespaces/stateful/keys/from-inside", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).as("as the function sent it").isEqualTo("{\"x\": 1}");

        assertThat(control("PUT", "/namespaces/shared/keys/config", "{\"mode\":\"fast\"}").statusCode())
                .isEqualTo(200);
        assertThat(fn.one("GET", "/namespaces/shared/keys/config", null).get("status").asInt()).isEqualTo(403);
        assertThat(control("PUT", "/namespaces/shared/grants/nobody", null).statusCode()).isEqualTo(404);
        HttpResponse<String> grant = control("PUT", "/namespaces/shared/grants/stateful", null);
        assertThat(grant.statusCode()).isEqualTo(200);
        assertThat(grant.body()).isEqualTo("{\"namespace\":\"shared\",\"function\":\"stateful\"}");
        assertThat(fn.one("GET", "/namespaces/shared/keys/config", null).get("body").asText())
                .isEqualTo("{\"mode\":\"fast\"}");
        assertThat(control("GET", "/namespaces/shared/grants", null).body())
                .isEqualTo("{\"namespace\":\"shared\",\"functions\":[\"stateful\"]}");
        JsonNode namespaces = StateClient.JSON.readTree(control("GET", "/namespaces", null).body());
        assertThat(namespaces.get("namespaces").findValuesAsText("name")).contains("shared", "stateful");

        assertThat(control("DELETE", "/namespaces/shared/grants/stateful", null).statusCode()).isEqualTo(204);
        assertThat(fn.one("GET", "/namespaces/shared/keys/config", null).get("status").asInt()).isEqualTo(403);
        assertThat(control("DELETE", "/namespaces/shared/keys/config", null).statusCode()).isEqualTo(204);
        assertThat(control("GET", "/namespaces/shared/keys/config", null).statusCode()).isEqualTo(404);
        assertThat(control("PATCH", "/namespaces/shared/keys/config", "1").statusCode()).isEqualTo(405);
        assertThat(control("PUT", "/namespaces/stateful/keys/dir%2Fsub%20key", "7").statusCode()).isEqualTo(200);
        assertThat(body(fn.one("GET", "/namespaces/stateful/keys?prefix=dir%2F", null)).get("items").get(0)
                .get("key").asText()).as("the control plane passes the path on undecoded").isEqualTo("dir/sub key");
        assertThat(control("GET", "/nothing-here", null).statusCode()).isEqualTo(404);

        assertThat(control("PUT", "/namespaces/scratch/keys/one", "1").statusCode()).isEqualTo(200);
        assertThat(control("PUT", "/namespaces/scratch/keys/two", "2").statusCode()).isEqualTo(200);
        assertThat(control("DELETE", "/namespaces/scratch", null).statusCode()).isEqualTo(204);
        assertThat(control("GET", "/namespaces/scratch/keys", null).body()).isEqualTo("{\"items\":[]}");
    }

    /**
     * Regression: values were checked by a parser that detects UTF-16 and skips a byte order mark, then stored as
     * UTF-8 text: a UTF-16 value came back changed, and a listing embedding it (or a BOM) was not JSON.
     */
    @Test
    void valuesMustBeUtf8JsonWithoutAByteOrderMark() throws Exception {
        byte[][] refused = {
                "{\"a\": \"\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE),
                "[1]".getBytes(java.nio.charset.StandardCharsets.UTF_16BE),
                {'"', (byte) 0xC3, 'x', '"'},
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1'}};
        for (byte[] value : refused) {
            HttpResponse<String> put = controlBytes("PUT", "/namespaces/encodings/keys/k", value);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
            assertThat(StateClient.JSON.readTree(put.body()).get("errorType").asText()).isEqualTo("InvalidValue");
        }
        byte[] utf8 = "{\"a\": \"\u00e9\u2603\ud83d\ude00\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(controlBytes("PUT", "/namespaces/encodings/keys/k", utf8).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(ember.endpoint()
                + "/ember/v1/state/namespaces/encodings/keys/k")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.body()).isEqualTo(utf8);
        JsonNode listing = StateClient.JSON.readTree(control("GET", "/namespaces/encodings/keys", null).body());
        assertThat(listing.get("items").get(0).get("value").get("a").asText()).isEqualTo("\u00e9\u2603\ud83d\ude00");
    }

    HttpResponse<String> controlBytes(String method, String path, byte[] body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(ember.endpoint() + "/ember/v1/state" + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> control(String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(ember.endpoint() + "/ember/v1/state" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
