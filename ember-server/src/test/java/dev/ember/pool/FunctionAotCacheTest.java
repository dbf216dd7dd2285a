package dev.ember.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.Packages;
import dev.ember.testing.handlers.AotCacheReporter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * A Java function's own AOT cache on a real, sandboxed server: trained after its first start, in its sandbox; mapped
 * by its later normal starts; invisible to another function; a training whose init fails leaves the function on the
 * runtime's cache. The functions have outbound network, so that none of their starts comes from a stem cell (a cell
 * maps the runtime's cache as it boots).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionAotCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    EmberTestServer server;
    LambdaClient lambda;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        server = EmberTestServer.startSandboxed(dataDir);
        lambda = server.lambda();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aFunctionsLaterStartsMapItsOwnCacheThatNoOtherFunctionSees() throws Exception {
        create("aot-a", Packages.handlerJar(Map.of("only-a.txt", "a"), AotCacheReporter.class), Map.of());
        create("aot-b", Packages.handlerJar(Map.of("only-b.txt", "b"), AotCacheReporter.class), Map.of());

        JsonNode first = invoke("aot-a", "{}");
        assertThat(first.path("initializationType").asText()).isEqualTo("on-demand");
        assertThat(mapped(first)).noneMatch(file -> file.endsWith(FunctionAotCaches.CACHE_FILE));
        awaitCache("aot-a");
        String ownCache = newEnvironmentOf("aot-a").stream()
                .filter(file -> file.endsWith("/" + FunctionAotCaches.CACHE_FILE)).findFirst().orElseThrow();
        assertThat(ownCache).contains("aot-a-");

        invoke("aot-b", "{}");
        awaitCache("aot-b");
        retire("aot-b");
        JsonNode b = invoke("aot-b", "{\"probe\":\"" + ownCache + "\"}");
        assertThat(mapped(b)).anyMatch(file -> file.contains("aot-b-") && file.endsWith(FunctionAotCaches.CACHE_FILE))
                .doesNotContain(ownCache);
        assertThat(b.path("exists").asBoolean()).as("a's cache, seen from b").isFalse();
        assertThat(invoke("aot-a", "{\"probe\":\"" + ownCache + "\"}").path("exists").asBoolean()).isTrue();
    }

    @Test
    void aTrainingWhoseInitFailsLeavesTheFunctionOnTheRuntimesCache() throws Exception {
        create("aot-refused", Packages.handlerJar(Map.of(), AotCacheReporter.class), Map.of("FAIL_AOT_TRAINING", "1"));
        invoke("aot-refused", "{}");
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> cacheStatus("aot-refused").startsWith("failed"));
        assertThat(cacheStatus("aot-refused")).isEqualTo("failed (the training exited with status 3)");
        assertThat(newEnvironmentOf("aot-refused")).noneMatch(file -> file.endsWith(FunctionAotCaches.CACHE_FILE));
    }

    private void create(String name, byte[] jar, Map<String, String> env) {
        Map<String, String> variables = new HashMap<>(env);
        variables.put(EnvironmentFactory.NETWORK_VARIABLE, EnvironmentFactory.OUTBOUND);
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.JAVA25)
                .handler(AotCacheReporter.class.getName() + "::handleRequest").memorySize(256).timeout(30)
                .role("arn:aws:iam::000000000000:role/ember").environment(e -> e.variables(variables))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(jar))));
    }

    /** What the next invocation of {@code name} in a new environment has mapped. */
    private List<String> newEnvironmentOf(String name) throws IOException {
        retire(name);
        return mapped(invoke(name, "{}"));
    }

    /** A configuration update retires the function's idle environment: the next invocation starts a new one. */
    private void retire(String name) {
        lambda.updateFunctionConfiguration(b -> b.functionName(name).description("retired " + System.nanoTime()));
    }

    private JsonNode invoke(String name, String payload) throws IOException {
        InvokeResponse response = lambda.invoke(b -> b.functionName(name).payload(SdkBytes.fromUtf8String(payload)));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static List<String> mapped(JsonNode report) {
        List<String> files = new ArrayList<>();
        report.path("mapped").forEach(file -> files.add(file.asText()));
        return files;
    }

    private void awaitCache(String name) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> cacheStatus(name).startsWith("ready"));
    }

    private String cacheStatus(String name) throws IOException, InterruptedException {
        return server.scaling(name).path("AotCache").asText("");
    }
}
