package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogsCommandTest {
    private static final String LOGS = "/ember/v1/functions/hello/logs";

    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    private static long ago(Duration duration) {
        return Ember.NOW.minus(duration).toEpochMilli();
    }

    private void answerText(String target, String text) {
        lambda.on("GET", target, exchange -> {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    @Test
    void readsTheLastHourByDefault() {
        answerText(LOGS + "?since=" + ago(Duration.ofHours(1)) + "&follow=false",
                "START RequestId: 1 Version: $LATEST\nhello\nEND RequestId: 1\n");

        Ember.Run run = Ember.against(lambda, "logs", "hello");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("START RequestId: 1 Version: $LATEST\nhello\nEND RequestId: 1\n");
    }

    @ParameterizedTest
    @CsvSource({"30s, PT30S", "10m, PT10M", "2h, PT2H", "1d, P1D"})
    void startsAsFarBackAsSince(String since, Duration duration) {
        answerText(LOGS + "?since=" + ago(duration) + "&follow=false", "line\n");

        Ember.Run run = Ember.against(lambda, "logs", "hello", "--since", since);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("line\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "m", "1w", "-5m", "1.5h", "10 minutes", ""})
    void rejectsAMalformedSince(String since) {
        Ember.Run run = Ember.against(lambda, "logs", "hello", "--since", since);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("ember: Invalid value for option '--since': expected a whole number"
                + " followed by s, m, h or d (e.g. 30s, 10m, 2h, 1d), but got '" + since + "'");
        assertThat(lambda.requests()).isEmpty();
    }

    @Test
    void printsEachLineAsItArrivesWhenFollowing() throws Exception {
        var secondLine = new CountDownLatch(1);
        lambda.on("GET", LOGS + "?since=" + ago(Duration.ofMinutes(5)) + "&follow=true", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("first\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                secondLine.await(10, TimeUnit.SECONDS);
                out.write("second\n".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        var out = new StringWriter();
        var err = new StringWriter();

        // On a thread of its own: the common pool may be busy with other tests' callbacks in this JVM.
        var exit = new CompletableFuture<Integer>();
        Thread.ofVirtual().start(() -> exit.complete(Ember.run(Ember.context(lambda, false),
                new PrintWriter(out, true), new PrintWriter(err, true), "logs", "hello", "-f", "--since", "5m")));

        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().equals("first\n"));
        assertThat(exit).isNotDone();
        secondLine.countDown();
        assertThat(exit.get(10, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("first\nsecond\n");
    }

    @Test
    void reportsAnUnknownFunction() {
        lambda.onError("GET", LOGS + "?since=" + ago(Duration.ofHours(1)) + "&follow=false", 404,
                "ResourceNotFoundException", "Function not found: hello");

        Ember.Run run = Ember.against(lambda, "logs", "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: ResourceNotFoundException: Function not found: hello\n");
    }
}
