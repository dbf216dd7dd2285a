package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * {@code ember state get|put|ls|rm|incr|namespaces|grant|revoke} against a real server, on a clock the test moves
 * (the CLI reads the same clock, so "in 10m" is exact).
 */
class StateAgainstRealServerTest {
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(START);
    EmberTestServer ember;
    CliContext context;

    @BeforeEach
    void start() {
        ember = EmberTestServer.start(dir.resolve("data"), o -> o.withSandbox(false).withClock(clock));
        context = Ember.context(ember, clock);
    }

    @AfterEach
    void stop() {
        ember.close();
    }

    private Ember.Run ember(String... args) {
        return Ember.run(context, args);
    }

    private Ember.Run ok(String... args) {
        return Ember.succeeded(context, args);
    }

    @Test
    void putGetAndConditionalWrites() throws Exception {
        assertThat(ok("state", "put", "shop", "cart/42", "{\"items\": [\"tea\"], \"total\": 3.5}").out())
                .matches("put shop cart/42: version \\d+\n");
        assertThat(ok("state", "get", "shop", "cart/42").out()).as("as it was sent")
                .isEqualTo("{\"items\": [\"tea\"], \"total\": 3.5}\n");
        JsonNode entry = JSON.readTree(ok("state", "get", "shop", "cart/42", "--json").out());
        long version = entry.get("version").asLong();
        assertThat(entry.get("key").asText()).isEqualTo("cart/42");
        assertThat(entry.get("value").get("total").asDouble()).isEqualTo(3.5);

        Ember.Run stale = ember("state", "put", "shop", "cart/42", "[]", "--if-version", Long.toString(version + 1));
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).startsWith("ember: PreconditionFailed: ");
        ok("state", "put", "shop", "cart/42", "[]", "--if-version", Long.toString(version));
        assertThat(ember("state", "put", "shop", "cart/42", "1", "--if-absent").err())
                .startsWith("ember: PreconditionFailed: ");
        ok("state", "put", "shop", "new", "1", "--if-absent");
        ok("state", "put", "shop", "new", "2", "--if-present");
        assertThat(ember("state", "put", "shop", "nothing", "1", "--if-present").err())
                .startsWith("ember: PreconditionFailed: ");

        Path file = dir.resolve("value.json");
        Files.writeString(file, "{\n  \"from\": \"file\"\n}\n");
        ok("state", "put", "shop", "filed", "--file", file.toString());
        assertThat(ok("state", "get", "shop", "filed").out()).isEqualTo("{\n  \"from\": \"file\"\n}\n");
        Ember.Run piped = Ember.run(context.withStdin(new ByteArrayInputStream("\"from stdin é\""
                .getBytes(StandardCharsets.UTF_8))), "state", "put", "shop", "piped");
        assertThat(piped.exitCode()).as(piped.err()).isZero();
        assertThat(ok("state", "get", "shop", "piped").out()).isEqualTo("\"from stdin é\"\n");

        assertThat(ok("state", "put", "shop", "session", "{}", "--ttl", "10m").out()).endsWith(", expires in 10m\n");
        assertThat(ok("state", "ls", "shop", "--prefix", "session").out()).contains("session  ")
                .contains("in 10m");
        clock.advance(Duration.ofMinutes(11));
        Ember.Run expired = ember("state", "get", "shop", "session");
        assertThat(expired.exitCode()).isEqualTo(1);
        assertThat(expired.err()).isEqualTo("ember: no key session in the namespace shop\n");
    }

    @Test
    void listsPagesAndDeletes() throws Exception {
        for (int i = 0; i < 5; i++) {
            ok("state", "put", "app", "user/" + i, "{\"n\":" + i + "}");
        }
        ok("state", "put", "app", "long", "\"" + "x".repeat(100) + "\"");
        ok("state", "put", "app", "config", "true");

        String table = ok("state", "ls", "app").out();
        assertThat(table).startsWith("KEY     VERSION  EXPIRES  VALUE\nconfig  ")
                .contains("\"" + "x".repeat(58) + "…\n").contains("user/4  ");
        assertThat(ok("state", "ls", "app", "--prefix", "user/", "--max", "3").out()).contains("user/0", "user/2")
                .doesNotContain("user/3").endsWith("showed the first 3 keys; --max shows more\n");
        JsonNode items = JSON.readTree(ok("state", "ls", "app", "--prefix", "user/", "--json").out());
        assertThat(items).hasSize(5);
        assertThat(items.get(4).get("value").get("n").asInt()).isEqualTo(4);

        ok("state", "rm", "app", "config");
        assertThat(ember("state", "get", "app", "config").exitCode()).isEqualTo(1);
        long version = JSON.readTree(ok("state", "get", "app", "long", "--json").out()).get("version").asLong();
        assertThat(ember("state", "rm", "app", "long", "--if-version", Long.toString(version + 1)).err())
                .startsWith("ember: PreconditionFailed: ");
        ok("state", "rm", "app", "long", "--if-version", Long.toString(version));
        assertThat(ok("state", "rm", "app", "--prefix", "user/").out())
                .isEqualTo("deleted 5 keys of app starting with 'user/'\n");
        ok("state", "put", "app", "a", "1");
        assertThat(ok("state", "rm", "app", "--all").out()).isEqualTo("deleted every key of app (its grants stay)\n");
        assertThat(ok("state", "ls", "app").out()).isEqualTo("KEY  VERSION  EXPIRES  VALUE\n");
    }

    @Test
    void incrementsGrantsAndNamespaces() {
        assertThat(ok("state", "incr", "stats", "hits").out()).isEqualTo("1\n");
        assertThat(ok("state", "incr", "stats", "hits", "--by", "41").out()).isEqualTo("42\n");
        assertThat(ok("state", "incr", "stats", "hits", "--by", "-2").out()).isEqualTo("40\n");

        ember.lambda().createFunction(b -> b.functionName("reports").runtime(Runtime.PROVIDED_AL2023)
                .handler("none").code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", Bootstraps.ECHO)))));
        assertThat(ok("state", "grant", "stats", "reports").out()).isEqualTo("granted stats to reports\n");
        assertThat(ok("state", "namespaces").out()).matches(
                "NAMESPACE +KEYS +SIZE +GRANTED TO\nstats +1 +\\d+ B +reports\n");
        Ember.Run unknown = ember("state", "grant", "stats", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("ember: ResourceNotFoundException: ").contains("nobody");
        assertThat(ok("state", "revoke", "stats", "reports").out()).isEqualTo("revoked stats from reports\n");
        assertThat(ok("state", "namespaces").out()).doesNotContain("reports");
    }

    @Test
    void badInputIsRefusedWithWhatIsWrong() throws Exception {
        Ember.Run notJson = ember("state", "put", "app", "k", "hello");
        assertThat(notJson.exitCode()).isEqualTo(1);
        assertThat(notJson.err()).isEqualTo("ember: the value must be JSON (a string goes in quotes, '\"text\"'); "
                + "not JSON: expected a value at offset 0 (found 'h')\n");
        assertThat(ember("state", "put", "app", "k").err())
                .isEqualTo("ember: no value: give it as an argument, with --file, or on stdin\n");
        assertThat(ember("state", "put", "app", "k", "1", "--file", "x.json").err())
                .isEqualTo("ember: give the value as an argument or with --file, not both\n");
        assertThat(ember("state", "put", "app", "k", "--file", dir.resolve("none.json").toString()).err())
                .contains("no such file");
        Ember.Run both = ember("state", "put", "app", "k", "1", "--if-absent", "--if-version", "3");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(ember("state", "put", "app", "k", "1", "--ttl", "5").err()).contains("--ttl")
                .contains("expected a whole number followed by s, m, h or d");
        assertThat(ember("state", "put", "app", "k", "1", "--ttl", "400d").err())
                .isEqualTo("ember: --ttl: a TTL is whole seconds from 1 to 31536000 (365 days), was PT9600H\n");
        assertThat(ember("state", "put", "app", "k", "1", "--if-version", "0").err())
                .startsWith("ember: --if-version takes a version");
        assertThat(ember("state", "get", "bad/name", "k").err())
                .startsWith("ember: a namespace's name is 1 to 140 letters, digits");
        assertThat(ember("state", "get", "app", "").err()).isEqualTo("ember: a key is 1 to 1024 bytes of UTF-8; "
                + "it was empty\n");
        assertThat(ember("state", "get", "app", "k".repeat(1025)).err()).startsWith("ember: KeyTooLong: ");
        assertThat(ember("state", "put", "app", "big", "\"" + "x".repeat(409_600) + "\"").err())
                .startsWith("ember: ValueTooLarge: ");
        ok("state", "put", "app", "word", "\"w\"");
        assertThat(ember("state", "incr", "app", "word").err()).startsWith("ember: NotAnInteger: ");
        assertThat(ember("state", "rm", "app").err()).isEqualTo("ember: give one of KEY, --prefix PREFIX and --all\n");
        assertThat(ember("state", "ls", "app", "--max", "0").err()).isEqualTo("ember: --max must be 1 to 100000, "
                + "was 0\n");

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Ember.Run noServer = ember("state", "get", "app", "k", "--endpoint", "http://127.0.0.1:" + port);
        assertThat(noServer.exitCode()).isEqualTo(1);
        assertThat(noServer.err()).isEqualTo("ember: no Ember server at http://127.0.0.1:" + port
                + " — start one with ./ember server\n");
    }
}
