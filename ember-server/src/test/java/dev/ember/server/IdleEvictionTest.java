package dev.ember.server;

import static dev.ember.testing.Bootstraps.environment;
import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
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
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** With the fixed policy, idle environments expire on the server's clock: ten minutes of (test) time later, the next call is cold. */
class IdleEvictionTest {
    @TempDir
    Path dataDir;

    @Test
    void idleEnvironmentIsEvictedAfterTheKeepAlive() {
        var clock = new TestClock(Instant.parse("2026-11-25T12:00:00Z"));
        try (var ember = EmberTestServer.start(dataDir, o -> o.withClock(clock).withPolicy("fixed"))) {
            var lambda = ember.lambda();
            lambda.createFunction(b -> b.functionName("idle").runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.ECHO)))));
            String first = environment(lambda.invoke(b -> b.functionName("idle")));

            clock.advance(Duration.ofMinutes(9));
            assertThat(environment(lambda.invoke(b -> b.functionName("idle")))).isEqualTo(first);

            clock.advance(Duration.ofMinutes(10).plusSeconds(1));
            // The evictor runs every few seconds of real time; after it, the environment is gone.
            // An environment's id ends its log stream name; its pid file goes when it is destroyed.
            String id = first.substring(first.indexOf(']') + 1, first.length() - 1);
            assertThat(dataDir.resolve("run").resolve(id + ".pid")).exists();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    !Files.exists(dataDir.resolve("run").resolve(id + ".pid")));
            InvokeResponse cold = lambda.invoke(b -> b.functionName("idle").logType(LogType.TAIL));
            assertThat(environment(cold)).isNotEqualTo(first);
            assertThat(new String(Base64.getDecoder().decode(cold.logResult()), StandardCharsets.UTF_8))
                    .contains("Init Duration");
        }
    }
}
