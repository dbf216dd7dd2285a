package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.Runtime;

class ConcurrencyCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void showsSetsAndRemovesTheReservation() {
        try (var server = EmberTestServer.start(dataDir)) {
            server.lambda().createFunction(b -> b.functionName("fn").runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", Bootstraps.ECHO)))));
            CliContext context = Ember.context(server);

            assertThat(Ember.run(context, "concurrency", "fn").out())
                    .isEqualTo("fn: no reserved concurrency (shares the account's unreserved pool)\n");
            assertThat(Ember.run(context, "concurrency", "fn", "3").out()).isEqualTo("fn: reserved concurrency 3\n");
            assertThat(server.lambda().getFunctionConcurrency(b -> b.functionName("fn"))
                    .reservedConcurrentExecutions()).isEqualTo(3);
            assertThat(Ember.run(context, "concurrency", "fn", "--delete").exitCode()).isZero();
            assertThat(server.lambda().getFunctionConcurrency(b -> b.functionName("fn"))
                    .reservedConcurrentExecutions()).isNull();

            Ember.Run tooMany = Ember.run(context, "concurrency", "fn", "100");
            assertThat(tooMany.exitCode()).isEqualTo(1);
            assertThat(tooMany.err()).contains("below its minimum value of [10]");
            Ember.Run unknown = Ember.run(context, "concurrency", "nope");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("Function not found");
        }
    }
}
