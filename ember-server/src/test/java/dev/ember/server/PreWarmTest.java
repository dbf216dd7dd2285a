package dev.ember.server;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The live server runs the same policies as the simulator: with the hybrid histogram, a function called every 30
 * minutes is let go after each call and started again just before the next one, so the next call is warm.
 */
class PreWarmTest {
    @TempDir
    Path dataDir;

    private static boolean cold(LambdaClient lambda) {
        String log = new String(Base64.getDecoder().decode(lambda.invoke(b -> b.functionName("half-hourly")
                .logType(LogType.TAIL)).logResult()), StandardCharsets.UTF_8);
        return log.contains("Init Duration");
    }

    /** The server's scaling report of the function: its policy, and environments idle (ready) and planned. */
    private static String scaling(EmberTestServer ember) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                ember.endpoint().resolve("/ember/v1/functions/half-hourly/scaling")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long runFiles(Path dataDir) throws Exception {
        try (var files = Files.list(dataDir.resolve("run"))) {
            return files.filter(f -> f.toString().endsWith(".pid")).count();
        }
    }

    @Test
    void aRegularFunctionIsUnloadedAfterEachCallAndPreWarmedBeforeTheNext() throws Exception {
        var clock = new TestClock(Instant.parse("2026-11-25T12:00:00Z"));
        try (var ember = EmberTestServer.start(dataDir, o -> o.withClock(clock).withPolicy("hybrid"))) {
            LambdaClient lambda = ember.lambda();
            lambda.createFunction(b -> b.functionName("half-hourly").runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.ECHO)))));
            assertThat(cold(lambda)).isTrue();
            // Learning: with little history the hybrid policy keeps the environment for its whole 4-hour range.
            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofMinutes(30));
                assertThat(cold(lambda)).as("call %d", i).isFalse();
            }
            // Now the histogram is representative: the environment went right after the call...
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runFiles(dataDir) == 0);
            assertThat(scaling(ember)).contains("\"Policy\":\"hybrid\"").contains("\"PlannedPrewarms\":1")
                    .contains("lets each idle environment go, pre-warms one 27m after the call");

            clock.advance(Duration.ofMinutes(28)); // ... and is started again 27 minutes later (30 minus 10 %)
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> scaling(ember).contains("\"Idle\":1"));
            clock.advance(Duration.ofMinutes(2));

            assertThat(cold(lambda)).as("the call after the pre-warm").isFalse();
        }
    }
}
