package dev.ember.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.sandbox.IsolationReport;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** A real Ember server on a free port over a temporary data directory, and an AWS SDK client pointed at it. */
public final class EmberTestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EmberServer server;
    private final LambdaClient lambda;

    private EmberTestServer(EmberServer server) {
        this.server = server;
        this.lambda = client(server.endpoint());
    }

    public static EmberTestServer start(Path dataDir) {
        return start(dataDir, UnaryOperator.identity());
    }

    /** A server that sandboxes fully; the test is skipped (not failed) on a host that cannot. */
    public static EmberTestServer startSandboxed(Path dataDir) {
        assumeFullSandbox();
        return start(dataDir);
    }

    /** Skips the test unless this host enforces every part of the sandbox. */
    public static void assumeFullSandbox() {
        IsolationReport host = IsolationReport.probe();
        Assumptions.assumeTrue(host.notEnforced().isEmpty(), () -> "this host cannot sandbox fully:\n" + host.table());
    }

    /** {@code GET /ember/v1/functions/{function}/scaling}: the pool's, stem cells' and AOT cache's view of it. */
    public JsonNode scaling(String function) throws IOException, InterruptedException {
        URI uri = endpoint().resolve("/ember/v1/functions/" + function + "/scaling");
        try (HttpClient http = HttpClient.newHttpClient()) {
            return JSON.readTree(http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    public static EmberTestServer start(Path dataDir, UnaryOperator<ServerOptions> options) {
        return new EmberTestServer(EmberServer.start(
                options.apply(ServerOptions.defaults().withPort(0).withDataDir(dataDir))));
    }

    /** An SDK client as users configure one for Ember: endpoint override, dummy static credentials, no retries. */
    public static LambdaClient client(URI endpoint) {
        return LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("ember", "ember")))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)).build())
                .overrideConfiguration(c -> c.retryStrategy(DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    public LambdaClient lambda() {
        return lambda;
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public EmberServer server() {
        return server;
    }

    /** A zip of the given files (name to content); a root-level {@code bootstrap} is marked executable. */
    public static SdkBytes zip(Map<String, String> files) {
        return SdkBytes.fromByteArray(zipBytes(files));
    }

    public static byte[] zipBytes(Map<String, String> files) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        files.forEach((name, text) -> entries.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return Packages.zip(entries);
    }

    @Override
    public void close() {
        lambda.close();
        server.close();
    }
}
