package dev.ember.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.lambda.Arns;
import dev.ember.registry.FunctionRegistry;
import dev.ember.runtimeapi.RuntimeApiExtension;
import dev.ember.store.Database;
import dev.ember.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who an environment's requests are taken for: the function it serves now, once it serves one, and only with its
 * token. A stem cell serves none until it is specialised. Also the purge of expired keys on the injected clock.
 */
class EnvironmentCallerTest {
    private static final String TOKEN = "00112233445566778899aabbccddeeff";
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    @TempDir
    Path dir;
    Database db;
    FunctionRegistry registry;
    FunctionState state;

    @BeforeEach
    void open() {
        db = Database.open(dir);
        registry = FunctionRegistry.open(db, dir.resolve("code"), Arns.defaults(), clock);
        state = FunctionState.open(db, registry, clock);
    }

    @AfterEach
    void close() {
        state.close();
        registry.close();
        db.close();
    }

    private static RuntimeApiExtension.Request request(String method, String path, String token, String body) {
        Map<String, String> headers = new HashMap<>();
        if (token != null) {
            headers.put(FunctionState.TOKEN_HEADER, token);
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return new RuntimeApiExtension.Request(method, path, "", headers, bytes, bytes.length);
    }

    @Test
    void aStemCellIsRefusedUntilItServesAFunctionAndThenActsAsThatFunction() {
        AtomicReference<String> serving = new AtomicReference<>();
        RuntimeApiExtension cell = state.forEnvironment(serving::get, TOKEN);
        String path = "/ember/v1/state/namespaces/fn/keys/k";

        assertThat(cell.serve(request("PUT", path, TOKEN, "1")).status()).isEqualTo(403);
        serving.set("fn");
        assertThat(cell.serve(request("PUT", path, TOKEN, "1")).status()).isEqualTo(200);
        assertThat(new String(cell.serve(request("GET", path, TOKEN, null)).body(), StandardCharsets.UTF_8))
                .isEqualTo("1");
        assertThat(cell.serve(request("GET", path, null, null)).status()).isEqualTo(403);
        assertThat(cell.serve(request("GET", path, TOKEN.replace('0', '1'), null)).status()).isEqualTo(403);
        assertThat(cell.serve(request("GET", "/ember/v1/state/namespaces/other/keys/k", TOKEN, null)).status())
                .isEqualTo(403);
    }

    /** Regression: a key not valid UTF-8 once decoded was 400 InvalidRequest; the contract says InvalidKey. */
    @Test
    void aKeyThatIsNotUtf8IsAnInvalidKeyAndAMalformedEscapeAnInvalidRequest() {
        RuntimeApiExtension fn = state.forEnvironment(() -> "fn", TOKEN);
        Map<String, String> types = Map.of("%FF", "InvalidKey", "%ED%A0%80", "InvalidKey", "%C3", "InvalidKey",
                "a%G1", "InvalidRequest", "a%2", "InvalidRequest");
        types.forEach((key, type) -> {
            RuntimeApiExtension.Response response = fn.serve(request("PUT", "/ember/v1/state/namespaces/fn/keys/"
                    + key, TOKEN, "1"));
            assertThat(response.status()).as(key).isEqualTo(400);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(key)
                    .contains("\"errorType\":\"" + type + "\"");
        });
        RuntimeApiExtension.Response namespace = fn.serve(request("GET", "/ember/v1/state/namespaces/f%FF/keys/k",
                TOKEN, null));
        assertThat(new String(namespace.body(), StandardCharsets.UTF_8)).contains("InvalidNamespace");
    }

    /**
     * Regression: an increment that could not apply was answered 409 even when conditions before it had failed, so
     * the 412 listing every failed condition (a conflict the caller retries) was never sent.
     */
    @Test
    void failedConditionsAreAConflictEvenWhenAnIncrementCouldNotApply() {
        RuntimeApiExtension fn = state.forEnvironment(() -> "fn", TOKEN);
        assertThat(fn.serve(request("PUT", "/ember/v1/state/namespaces/fn/keys/text", TOKEN, "\"abc\"")).status())
                .isEqualTo(200);
        RuntimeApiExtension.Response both = fn.serve(request("POST", "/ember/v1/state/transaction", TOKEN,
                "{\"operations\":[{\"op\":\"check\",\"namespace\":\"fn\",\"key\":\"other\",\"version\":5},"
                        + "{\"op\":\"increment\",\"namespace\":\"fn\",\"key\":\"text\"}]}"));
        assertThat(both.status()).isEqualTo(412);
        assertThat(new String(both.body(), StandardCharsets.UTF_8)).contains("TransactionConflict", "\"failed\":[0]");
        RuntimeApiExtension.Response increment = fn.serve(request("POST", "/ember/v1/state/transaction", TOKEN,
                "{\"operations\":[{\"op\":\"check\",\"namespace\":\"fn\",\"key\":\"other\",\"version\":0},"
                        + "{\"op\":\"increment\",\"namespace\":\"fn\",\"key\":\"text\"}]}"));
        assertThat(increment.status()).isEqualTo(409);
        assertThat(new String(increment.body(), StandardCharsets.UTF_8)).contains("NotAnInteger", "\"failed\":[1]");
    }

    /** Regression: unknown fields beside "operations" were ignored (a misspelt option would be silently dropped). */
    @Test
    void aTransactionWithAnUnknownTopLevelFieldIsInvalid() {
        RuntimeApiExtension fn = state.forEnvironment(() -> "fn", TOKEN);
        RuntimeApiExtension.Response response = fn.serve(request("POST", "/ember/v1/state/transaction", TOKEN,
                "{\"operations\":[{\"op\":\"put\",\"namespace\":\"fn\",\"key\":\"k\",\"value\":1}],\"dryRun\":true}"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("InvalidTransaction", "dryRun");
        assertThat(fn.serve(request("GET", "/ember/v1/state/namespaces/fn/keys/k", TOKEN, null)).status())
                .as("nothing applied").isEqualTo(404);
    }

    /**
     * Regression: a transaction's put of a string with a lone surrogate escape ("\\ud800", which a PUT stores as
     * sent) was stored with "?" in its place: the compact JSON held the bare surrogate, which has no UTF-8.
     */
    @Test
    void aTransactionsValueKeepsALoneSurrogateEscaped() {
        RuntimeApiExtension fn = state.forEnvironment(() -> "fn", TOKEN);
        assertThat(fn.serve(request("POST", "/ember/v1/state/transaction", TOKEN, "{\"operations\":[{\"op\":\"put\","
                + "\"namespace\":\"fn\",\"key\":\"k\",\"value\":[\"a\\ud800b\",\"\\udfff\",\"\\ud83d\\ude00\"]}]}"))
                .status()).isEqualTo(200);
        assertThat(new String(fn.serve(request("GET", "/ember/v1/state/namespaces/fn/keys/k", TOKEN, null)).body(),
                StandardCharsets.UTF_8)).isEqualTo("[\"a\\uD800b\",\"\\uDFFF\",\"\ud83d\ude00\"]");
    }

    /**
     * Regression: on control-plane-only paths the method and the namespace were checked before the caller, so a
     * function got 405 or 400 where docs/state-api.md says 403.
     */
    @Test
    void controlPlanePathsAre403FromAnEnvironmentWhateverTheMethodOrName() {
        RuntimeApiExtension fn = state.forEnvironment(() -> "fn", TOKEN);
        for (String[] attempt : new String[][] {{"POST", "/namespaces"}, {"GET", "/namespaces/fn"},
                {"DELETE", "/namespaces/bad%21name"}, {"PUT", "/namespaces/bad%21name/grants/fn"},
                {"POST", "/namespaces/fn/grants"}}) {
            RuntimeApiExtension.Response response = fn.serve(request(attempt[0], "/ember/v1/state" + attempt[1],
                    TOKEN, null));
            assertThat(response.status()).as(attempt[0] + " " + attempt[1]).isEqualTo(403);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("AccessDenied");
        }
        assertThat(state.controlPlane().serve(request("POST", "/ember/v1/state/namespaces", null, null)).status())
                .as("the operator is told the method").isEqualTo(405);
    }

    @Test
    void expiredKeysArePurgedOnlyOnceTheirTimeHasCome() {
        RuntimeApiExtension fn = state.forEnvironment(() -> "fn", TOKEN);
        var put = new RuntimeApiExtension.Request("PUT", "/ember/v1/state/namespaces/fn/keys/k", "",
                Map.of(FunctionState.TOKEN_HEADER, TOKEN, "x-ember-ttl-seconds", "10"), "1".getBytes(), 1);
        assertThat(fn.serve(put).status()).isEqualTo(200);
        assertThat(fn.serve(request("PUT", "/ember/v1/state/namespaces/fn/keys/forever", TOKEN, "2")).status())
                .isEqualTo(200);
        assertThat(state.purgeExpired()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(state.purgeExpired()).isEqualTo(1);
        assertThat(state.controlPlane().serve(request("GET", "/ember/v1/state/namespaces/fn/keys", null, null))
                .body()).asString(StandardCharsets.UTF_8).contains("forever").doesNotContain("\"k\"");
    }
}
