package dev.ember.server;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** Every acknowledged Event invocation is delivered at least once, whatever moment the server is killed at. */
class AsyncCrashTest {
    private static final int EVENTS = 2000;
    private static final int CLIENTS = 8;

    @TempDir
    Path dataDir;
    @TempDir
    Path work;

    @Test
    void everyAcknowledgedEventIsDeliveredAfterASigkillInTheMiddleOfProcessing() throws Exception {
        Path seen = work.resolve("seen");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        int seenAtKill;
        long enqueueMs;
        try (var server = ServerProcess.unsandboxed(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            lambda.createFunction(b -> b.functionName("recorder").runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .environment(e -> e.variables(Map.of("SEEN_FILE", seen.toString(), "FAILURES", "0",
                            "DELAY", "0.05")))
                    .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.RECORDING)))));
            long started = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                clients.add(Thread.ofVirtual().start(() -> {
                    for (int i = client; i < EVENTS; i += CLIENTS) {
                        String event = "{\"n\":" + i + "}";
                        var response = lambda.invoke(b -> b.functionName("recorder")
                                .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String(event)));
                        assertThat(response.statusCode()).isEqualTo(202);
                        acknowledged.add(response.responseMetadata().requestId());
                    }
                }));
            }
            for (Thread client : clients) {
                client.join();
            }
            assertThat(acknowledged).hasSize(EVENTS);
            enqueueMs = (System.nanoTime() - started) / 1_000_000;
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> seen(seen).size() >= EVENTS / 3);
            server.kill();
            seenAtKill = seen(seen).size();
        }
        assertThat(seenAtKill).as("killed in the middle of processing").isLessThan(EVENTS);

        long restarted = System.nanoTime();
        try (var server = ServerProcess.unsandboxed(dataDir)) {
            Awaitility.await().atMost(Duration.ofSeconds(120))
                    .until(() -> new HashSet<>(seen(seen)).containsAll(acknowledged));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> backlog(server.endpoint()) == 0);
            long drainMs = (System.nanoTime() - restarted) / 1_000_000;
            List<String> all = seen(seen);
            Set<String> distinct = new HashSet<>(all);
            int duplicates = all.size() - distinct.size();
            System.out.printf("AsyncCrashTest: %d events acknowledged in %d ms, %d seen before the kill, the rest "
                    + "delivered %d ms after the restart began; %d deliveries, %d duplicates%n", acknowledged.size(),
                    enqueueMs, seenAtKill, drainMs, all.size(), duplicates);
            assertThat(distinct).isEqualTo(acknowledged);
            // Only an event running at the kill (at most 10 of a function at once) can run twice.
            assertThat(duplicates).isLessThanOrEqualTo(10);
            assertThat(server.output()).contains("asynchronous event(s) an earlier server acknowledged")
                    .doesNotContain("Exception");
        }
    }

    private static List<String> seen(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList()
                : List.of();
    }

    private static int backlog(URI endpoint) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(endpoint.resolve("/ember/v1/functions/recorder/async"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return new ObjectMapper().readTree(body).path("Backlog").asInt(-1);
        }
    }
}
