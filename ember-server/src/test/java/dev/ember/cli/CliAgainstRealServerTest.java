package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.EmberTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user drives it, against a real server: deploy a directory, invoke, list, info, logs, publish, alias. */
class CliAgainstRealServerTest {
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
}
