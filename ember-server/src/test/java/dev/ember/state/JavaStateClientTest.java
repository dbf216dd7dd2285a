package dev.ember.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.state.client.AccessDeniedException;
import dev.ember.state.client.Entry;
import dev.ember.state.client.InvalidRequestException;
import dev.ember.state.client.JsonText;
import dev.ember.state.client.Namespace;
import dev.ember.state.client.NamespaceInfo;
import dev.ember.state.client.Page;
import dev.ember.state.client.PreconditionFailedException;
import dev.ember.state.client.Put;
import dev.ember.state.client.State;
import dev.ember.state.client.StateException;
import dev.ember.state.client.StateUnavailableException;
import dev.ember.state.client.TransactionConflictException;
import dev.ember.state.client.ValueTooLargeException;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.Packages;
import dev.ember.testing.TestClock;
import dev.ember.testing.handlers.StateUser;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The ember-state Java client against a real server: inside Java functions (its own namespace, grants, eight
 * environments incrementing one counter) and on the control plane.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaStateClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    EmberTestServer ember;
    State control;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        // Eight JVMs starting at once on a small, shared test host can take longer than Lambda's 10 s init limit.
        ember = EmberTestServer.start(dataDir, o -> o.withClock(clock).withInitTimeout(Duration.ofSeconds(60)));
        control = State.connect(ember.endpoint());
    }

    @AfterAll
    void stop() {
        control.close();
        ember.close();
    }

    private void deploy(String name, Runtime runtime) {
        byte[] zip = Packages.zip(withLibrary(Packages.classes(StateUser.class, StateUser.Cart.class)));
        ember.lambda().createFunction(b -> b.functionName(name).runtime(runtime)
                .handler(StateUser.class.getName() + "::handleRequest").memorySize(256).timeout(60)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
    }

    private static Map<String, byte[]> withLibrary(Map<String, byte[]> classes) {
        Map<String, byte[]> entries = new LinkedHashMap<>(classes);
        entries.put("lib/ember-state.jar", Packages.libraryJar(State.class));
        return entries;
    }

    private JsonNode invoke(String function, Map<String, Object> event) throws Exception {
        SdkBytes payload = SdkBytes.fromUtf8String(JSON.writeValueAsString(event));
        InvokeResponse response = ember.lambda().invoke(b -> b.functionName(function).payload(payload));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    @Test
    void aJavaFunctionUsesEveryCallOfTheClientOnItsOwnNamespace() throws Exception {
        deploy("carts", Runtime.JAVA25);

        JsonNode seen = invoke("carts", Map.of("do", "tour"));

        assertThat(seen.get("namespace").asText()).isEqualTo("carts");
        assertThat(seen.get("cart").asText()).isEqualTo("ann:[tea, cup]:2");
        assertThat(seen.get("missing").asBoolean()).isFalse();
        assertThat(seen.get("staleput").asText()).isEqualTo("PreconditionFailed 412");
        assertThat(seen.get("versionsGrow").asBoolean()).isTrue();
        assertThat(seen.get("createOnly").asText()).isEqualTo("PreconditionFailed");
        assertThat(seen.get("leaseExpires").asBoolean()).isTrue();
        assertThat(seen.get("visits").asText()).isEqualTo("5,6");
        assertThat(seen.get("notAnInteger").asText()).isEqualTo("NotAnInteger");
        assertThat(seen.get("pages").toString())
                .isEqualTo("[[\"page/0\",\"page/1\"],[\"page/2\",\"page/3\"],[\"page/4\"]]");
        assertThat(seen.get("deleted").asBoolean()).isTrue();
        assertThat(seen.get("transaction").asInt()).isEqualTo(3);
        assertThat(seen.get("conflict").asText()).startsWith("[0] the transaction was not applied: operation 0 "
                + "(check carts/page/1 at version ").contains(") failed");
        assertThat(seen.get("unchanged").asLong()).isEqualTo(3);
        assertThat(seen.get("denied").asText()).isEqualTo("AccessDenied 403");

        // What the function wrote, seen from the control plane.
        Namespace carts = control.namespace("carts");
        assertThat(carts.get("visits").orElseThrow().asLong()).isEqualTo(6);
        assertThat(carts.get("page/1").orElseThrow().asLong()).isZero();
        assertThat(carts.get("page/2").orElseThrow().asLong()).isEqualTo(3);
        assertThat(carts.get("cart/1").orElseThrow().asMap()).containsEntry("owner", "ann");
        assertThat(carts.get("lease").orElseThrow().expiresAt())
                .contains(clock.instant().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Test
    void grantsLetAFunctionUseAnotherNamespaceUntilRevoked() throws Exception {
        deploy("reader", Runtime.JAVA25);
        Namespace shared = control.namespace("shared-config");
        shared.put("limit", 10);

        assertThat(invoke("reader", Map.of("do", "read", "namespace", "shared-config", "key", "limit"))
                .get("errorType").asText()).isEqualTo("AccessDenied");
        shared.grant("reader");
        assertThat(shared.grants()).containsExactly("reader");
        assertThat(invoke("reader", Map.of("do", "read", "namespace", "shared-config", "key", "limit"))
                .get("value").asInt()).isEqualTo(10);
        assertThat(control.namespaces()).extracting(NamespaceInfo::name).contains("shared-config");
        NamespaceInfo info = control.namespaces().stream().filter(n -> n.name().equals("shared-config"))
                .findFirst().orElseThrow();
        assertThat(info.grants()).containsExactly("reader");
        assertThat(info.keys()).isEqualTo(1);

        shared.revoke("reader");
        JsonNode denied = invoke("reader", Map.of("do", "read", "namespace", "shared-config", "key", "limit"));
        assertThat(denied.get("error").asText()).isEqualTo(AccessDeniedException.class.getSimpleName());
        assertThat(denied.get("status").asInt()).isEqualTo(403);
        assertThat(shared.grants()).isEmpty();

        assertThatThrownBy(() -> shared.grant("no-such-function")).isExactlyInstanceOf(StateException.class)
                .satisfies(e -> {
                    assertThat(((StateException) e).errorType()).isEqualTo("ResourceNotFoundException");
                    assertThat(((StateException) e).status()).isEqualTo(404);
                });
    }

    @Test
    void eightEnvironmentsIncrementingOneCounterLoseNoIncrement() throws Exception {
        deploy("counter", Runtime.JAVA21); // the client is built for Java 21 functions too
        int environments = 8;
        int each = 250;
        List<Future<JsonNode>> calls = new ArrayList<>();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < environments; i++) {
                calls.add(callers.submit(() -> invoke("counter", Map.of("do", "increment", "key", "hits",
                        "times", each))));
            }
        }
        List<Long> lasts = new ArrayList<>();
        for (Future<JsonNode> call : calls) {
            lasts.add(call.get().get("last").asLong());
        }
        assertThat(control.namespace("counter").get("hits").orElseThrow().asLong())
                .isEqualTo((long) environments * each);
        assertThat(lasts).doesNotHaveDuplicates().contains((long) environments * each);
    }

    @Test
    void theControlPlaneReadsWritesListsAndDeletesAnyNamespace() {
        Namespace ops = control.namespace("ops");
        long first = ops.put("config/é/../x", Map.of("retries", 3, "name", "naïve 😀", "ratio", 0.25,
                "big", Long.MAX_VALUE, "nested", List.of(Map.of("a", List.of()))));
        Entry read = ops.get("config/é/../x").orElseThrow();
        assertThat(read.version()).isEqualTo(first);
        assertThat(read.value()).isEqualTo(Map.of("retries", 3L, "name", "naïve 😀", "ratio", 0.25,
                "big", Long.MAX_VALUE, "nested", List.of(Map.of("a", List.of()))));
        assertThat(ops.get("config/%2F")).isEmpty();

        long second = ops.put("config/é/../x", JsonText.of("[1, 2.50]"), Put.ifVersion(first));
        assertThat(second).isGreaterThan(first);
        assertThat(ops.get("config/é/../x").orElseThrow().asList()).containsExactly(1L, 2.5);
        assertThatThrownBy(() -> ops.put("config/é/../x", 1, Put.ifVersion(first)))
                .isInstanceOf(PreconditionFailedException.class)
                .satisfies(e -> assertThat(((StateException) e).status()).isEqualTo(412));
        assertThatThrownBy(() -> ops.delete("config/é/../x", first)).isInstanceOf(PreconditionFailedException.class);
        long third = ops.put("config/é/../x", "replaced", Put.ifPresent());
        assertThatThrownBy(() -> ops.put("never-written", 1, Put.ifPresent()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(ops.get("never-written")).isEmpty();
        assertThatThrownBy(() -> ops.delete("config/é/../x", second)).isInstanceOf(PreconditionFailedException.class);
        ops.delete("config/é/../x", third);
        assertThat(ops.get("config/é/../x")).isEmpty();
        ops.delete("config/é/../x"); // absent: fine

        ops.put("ttl", "soon", Put.always().ttl(Duration.ofSeconds(5)));
        assertThat(ops.get("ttl")).isPresent();
        clock.advance(Duration.ofSeconds(6));
        assertThat(ops.get("ttl")).as("expired on the server's clock").isEmpty();

        for (int i = 0; i < 25; i++) {
            ops.put("list/" + (char) ('a' + i), i);
        }
        ops.put("lisu", "after the prefix");
        List<String> keys = new ArrayList<>();
        int pages = 0;
        for (Page page : ops.pages("list/", 10)) {
            pages++;
            keys.addAll(page.keys());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(keys).hasSize(25).startsWith("list/a", "list/b").endsWith("list/y").isSorted();
        Page second10 = ops.list("list/", "list/j", 10);
        assertThat(second10.keys().getFirst()).isEqualTo("list/k");
        assertThat(second10.entries().getFirst().asLong()).isEqualTo(10);
        assertThat(second10.nextToken()).contains("list/t");
        assertThat(ops.pages("nothing/")).isEmpty();
        ops.deleteAll();
        assertThat(ops.pages("")).isEmpty();
    }

    @Test
    void errorsArriveAsTheirOwnExceptions() throws Exception {
        Namespace ops = control.namespace("errors");
        assertThatThrownBy(() -> ops.get("k".repeat(1025))).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((StateException) e).errorType()).isEqualTo("KeyTooLong"));
        assertThatThrownBy(() -> ops.put("big", "x".repeat(409_600))).isInstanceOf(ValueTooLargeException.class)
                .satisfies(e -> assertThat(((StateException) e).status()).isEqualTo(413));
        ops.put("text", "abc");
        assertThatThrownBy(() -> ops.increment("text")).satisfies(e -> assertThat(((StateException) e).errorType())
                .isEqualTo("NotAnInteger"));
        ops.put("max", Long.MAX_VALUE);
        assertThatThrownBy(() -> ops.increment("max")).satisfies(e -> assertThat(((StateException) e).errorType())
                .isEqualTo("Overflow"));
        assertThat(ops.increment("max", -1)).isEqualTo(Long.MAX_VALUE - 1);
        assertThatThrownBy(() -> control.transaction().put(ops, "a", 1).increment(ops, "a", 1).commit())
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((StateException) e).errorType()).isEqualTo("InvalidTransaction"));
        ops.put("a", 1);
        long version = ops.get("a").orElseThrow().version();
        assertThatThrownBy(() -> control.transaction().put(ops, "b", 2).check(ops, "a", version + 99)
                .put(ops, "c", 3, Put.ifAbsent()).commit())
                .isInstanceOf(TransactionConflictException.class)
                .hasMessage("the transaction was not applied: operation 1 (check errors/a at version " + (version + 99)
                        + ") failed")
                .satisfies(e -> assertThat(((TransactionConflictException) e).failed()).containsExactly(1));
        assertThat(ops.get("b")).as("nothing applied").isEmpty();
        List<dev.ember.state.client.Transaction.Outcome> outcomes = control.transaction()
                .put(ops, "b", 2).check(ops, "a", version).increment(ops, "n", 7).put(ops, "c", 3, Put.ifAbsent())
                .commit();
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(0).version()).isPresent();
        assertThat(outcomes.get(1).version()).isEmpty();
        assertThat(outcomes.get(2).value()).hasValue(7);

        try (State nowhere = State.connect(URI.create("http://127.0.0.1:1"))) {
            assertThatThrownBy(() -> nowhere.namespace("x").get("y")).isInstanceOf(StateUnavailableException.class);
        }
        State outside = State.fromEnvironment(Map.of()); // made anywhere, so that static fields initialise
        assertThatThrownBy(outside::own).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("AWS_LAMBDA_RUNTIME_API is not set");
    }
}
