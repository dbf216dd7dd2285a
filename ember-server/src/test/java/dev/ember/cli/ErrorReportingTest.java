package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorReportingTest {
    private final FakeLambda lambda = FakeLambda.start();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        lambda.close();
    }

    @Test
    void printsTheErrorTypeAndMessageOfALambdaError() {
        lambda.onError("GET", "/2015-03-31/functions/hello", 404, "ResourceNotFoundException",
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:hello");

        Ember.Run run = Ember.against(lambda, "info", "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ember: ResourceNotFoundException: Function not found:"
                + " arn:aws:lambda:us-east-1:000000000000:function:hello\n");
    }

    @Test
    void readsALowerCaseMessageAndAnErrorTypeWithASuffix() {
        lambda.on("GET", "/2015-03-31/functions", exchange -> {
            exchange.getResponseHeaders().add("X-Amzn-ErrorType", "InvalidParameterValueException:http://internal/");
            FakeLambda.reply(exchange, 400, "{\"message\":\"MaxItems must be\\nan integer\"}");
        });

        Ember.Run run = Ember.against(lambda, "ls");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: InvalidParameterValueException: MaxItems must be an integer\n");
    }

    @Test
    void fallsBackToTheStatusAndTextOfAnErrorThatIsNotLambdas() {
        lambda.on("GET", "/2015-03-31/functions", exchange -> {
            byte[] body = "Bad Gateway".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(502, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });

        Ember.Run run = Ember.against(lambda, "ls");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: HTTP 502: Bad Gateway\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ls", "info hello", "invoke hello", "logs hello", "rm hello", "publish hello",
        "alias hello live 1", "deploy hello --code CODE"})
    void saysThereIsNoServerWhenNothingListens(String command) throws IOException {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path code = Files.createDirectories(dir.resolve("code"));
        Files.writeString(code.resolve("bootstrap"), "#!/bin/sh\n");
        String endpoint = "http://127.0.0.1:" + port;
        var context = new CliContext(Map.of("EMBER_ENDPOINT", endpoint), InstantSource.fixed(Ember.NOW), false);

        Ember.Run run = Ember.run(context, command.replace("CODE", code.toString()).split(" "));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ember: no Ember server at " + endpoint
                + " — start one with ./ember server\n");
    }

    @Test
    void reportsAnUnexpectedFailureOnOneLine() {
        lambda.on("POST", "/2015-03-31/functions/hello/invocations", exchange -> {
            exchange.getResponseHeaders().add("X-Amz-Log-Result", "not base64!");
            FakeLambda.reply(exchange, 200, "{}");
        });

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--log");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("ember: unexpected IllegalArgumentException: ")
                .endsWith(" (--debug shows the stack trace)\n")
                .hasLineCount(1);
    }

    @Test
    void addsTheStackTraceWithDebug() {
        lambda.on("POST", "/2015-03-31/functions/hello/invocations", exchange -> {
            exchange.getResponseHeaders().add("X-Amz-Log-Result", "not base64!");
            FakeLambda.reply(exchange, 200, "{}");
        });

        Ember.Run run = Ember.against(lambda, "invoke", "hello", "--log", "--debug");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("ember: unexpected IllegalArgumentException: ")
                .contains("\tat java.base/java.util.Base64$Decoder.decode")
                .doesNotContain("--debug shows");
    }

    @Test
    void acceptsDebugBeforeTheCommand() {
        lambda.on("POST", "/2015-03-31/functions/hello/invocations", exchange -> {
            exchange.getResponseHeaders().add("X-Amz-Log-Result", "not base64!");
            FakeLambda.reply(exchange, 200, "{}");
        });

        Ember.Run run = Ember.against(lambda, "--debug", "invoke", "hello", "--log");

        assertThat(run.err()).contains("\tat java.base/java.util.Base64$Decoder.decode");
    }

    @Test
    void reportsWrongUsageBrieflyWithExitCodeTwo() {
        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--memory", "lots");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).first().asString().startsWith("ember: ");
        assertThat(run.err()).contains("Usage: ember deploy ").endsWith("See 'ember deploy --help'.\n");
        assertThat(lambda.requests()).isEmpty();
    }

    @Test
    void suggestsTheCommandMeant() {
        Ember.Run run = Ember.against(lambda, "invok", "hello");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("ember: Unmatched arguments from index 0: 'invok', 'hello'\n")
                .contains("Did you mean: ember invoke");
    }
}
