package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The CLI as a user drives it, against a real server: deploy a directory, invoke, list, info, logs, publish, alias;
 * an asynchronous invocation into a dead-letter queue, and its redrive.
 */
class CliAgainstRealServerTest {
    /** A runtime that fails every event, so that with no retries each one goes straight to the dead-letter queue. */
    private static final String ALWAYS_FAILS = """
            #!/bin/sh
            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
            headers="$(mktemp)"
            while true; do
              curl -sS -o /dev/null -D "$headers" "$api/next"
              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d: -f2 | tr -d '[:space:]')
              curl -sS -o /dev/null -X POST -d '{"errorMessage":"out of stock","errorType":"Sold"}' "$api/$id/error"
            done
            """;

    @TempDir
    Path dir;
    EmberTestServer ember;
    CliContext context;

    @BeforeEach
    void start() {
        ember = EmberTestServer.start(dir.resolve("data"));
        context = Ember.context(ember);
    }

    @AfterEach
    void stop() {
        ember.close();
    }

    private Ember.Run ember(String... args) {
        return Ember.run(context, args);
    }

    @Test
    void deployInvokeAndInspectAFunctionFromADirectory() throws Exception {
        Path code = Files.createDirectories(dir.resolve("fn"));
        Path bootstrap = Files.writeString(code.resolve("bootstrap"), """
                #!/bin/sh
                api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                while true; do
                  event=$(curl -sS -D /tmp/ember-cli-test-headers-$$ "$api/next")
                  id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' /tmp/ember-cli-test-headers-$$ | cut -d: -f2 | tr -d '[:space:]')
                  echo "cli test saw $event"
                  if [ "$event" = '{"fail":true}' ]; then
                    curl -sS -o /dev/null -X POST -d '{"errorMessage":"failed","errorType":"Oops"}' "$api/$id/error"
                  else
                    curl -sS -o /dev/null -X POST -d "{\\"got\\":$event,\\"greeting\\":\\"$GREETING\\"}" "$api/$id/response"
                  fi
                done
                """);
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));

        Ember.Run deployed = ember("deploy", "cli-fn", "--code", code.toString(), "--runtime", "provided.al2023",
                "--handler", "none", "--env", "GREETING=hej", "--memory", "256");
        assertThat(deployed.exitCode()).as(deployed.err()).isZero();
        assertThat(deployed.out()).contains("arn:aws:lambda:us-east-1:000000000000:function:cli-fn");

        Ember.Run invoked = ember("invoke", "cli-fn", "--payload", "{\"n\":1}", "--log");
        assertThat(invoked.exitCode()).as(invoked.err()).isZero();
        assertThat(invoked.out().strip()).isEqualTo("{\"got\":{\"n\":1},\"greeting\":\"hej\"}");
        assertThat(invoked.err()).contains("cli test saw {\"n\":1}").contains("REPORT RequestId");

        Ember.Run failed = ember("invoke", "cli-fn", "--payload", "{\"fail\":true}");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("\"errorType\":\"Oops\"");

        assertThat(ember("ls").out()).contains("cli-fn").contains("provided.al2023").contains("256");
        assertThat(ember("publish", "cli-fn").out()).contains("1");
        assertThat(ember("alias", "cli-fn", "live", "1").exitCode()).isZero();
        Ember.Run info = ember("info", "cli-fn");
        assertThat(info.out()).contains("GREETING").doesNotContain("hej").contains("live");
        Ember.Run logs = ember("logs", "cli-fn", "--since", "10m");
        assertThat(logs.out()).contains("START RequestId").contains("cli test saw {\"n\":1}");

        assertThat(ember("rm", "cli-fn").exitCode()).isZero();
        Ember.Run gone = ember("invoke", "cli-fn");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("ResourceNotFoundException");
    }

    @Test
    void anAsyncInvocationThatFailsLandsInTheDeadLetterQueueAndIsRedriven() throws Exception {
        var lambda = ember.lambda();
        lambda.createFunction(b -> b.functionName("orders").runtime(Runtime.PROVIDED_AL2023).handler("none")
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", ALWAYS_FAILS)))));
        lambda.updateFunctionConfiguration(b -> b.functionName("orders")
                .deadLetterConfig(d -> d.targetArn("arn:aws:sqs:us-east-1:000000000000:orders-dlq")));
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("orders").maximumRetryAttempts(0));

        Ember.Run queued = ember("invoke", "orders", "--async", "--payload", "{\"order\":42}");
        assertThat(queued.exitCode()).as(queued.err()).isZero();
        assertThat(queued.err()).isEmpty();
        String requestId = queued.out().strip();
        assertThat(requestId).matches("[0-9a-f-]{36}");

        var json = new ObjectMapper();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                json.readTree(ember("queue", "show", "orders-dlq", "--json").out()).path("Messages").asInt() == 1);
        assertThat(ember("queue", "ls").out()).containsPattern(
                "(?m)^orders-dlq  1 +\\S.* ago  arn:aws:sqs:us-east-1:000000000000:orders-dlq$");
        Ember.Run shown = ember("queue", "show", "orders-dlq");
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("  RequestID     " + requestId + "\n", "  ErrorMessage  out of stock\n",
                "  body\n    {\n      \"order\": 42\n    }\n");
        // The server counts the failure a moment before it takes the event off the backlog.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ember("info", "orders").out())
                .contains("\nasynchronous invocations\n", "  backlog            0 of 100000 (server: 0 of 1000000)\n",
                        "  outcomes           0 succeeded, 1 failed, 0 discarded (since the server started)\n",
                        "  config $LATEST     0 retries, events kept up to 6h; on success: none; on failure: none\n",
                        "  dead-letter queue  arn:aws:sqs:us-east-1:000000000000:orders-dlq\n"));

        lambda.createFunction(b -> b.functionName("echo").runtime(Runtime.PROVIDED_AL2023).handler("none")
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", Bootstraps.ECHO)))));
        assertThat(ember("queue", "redrive", "orders-dlq", "echo").out())
                .isEqualTo("moved 1 message from orders-dlq to echo; 0 left on orders-dlq\n");
        assertThat(ember("queue", "show", "orders-dlq").out()).contains("  messages  none\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> ember("info", "echo").out().contains(" 1 succeeded"));

        Ember.Run missing = ember("invoke", "nope", "--async");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("ember: ResourceNotFoundException: ");
        Path big = Files.writeString(dir.resolve("big.json"), "{\"pad\":\"" + "x".repeat(1_048_576) + "\"}");
        Ember.Run tooLarge = ember("invoke", "echo", "--async", "--payload", "@" + big);
        assertThat(tooLarge.exitCode()).isEqualTo(1);
        assertThat(tooLarge.err()).startsWith("ember: RequestTooLargeException: Request must be smaller than");
    }
}
