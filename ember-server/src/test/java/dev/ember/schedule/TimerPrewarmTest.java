package dev.ember.schedule;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * A schedule is a perfect forecast: with the fixed 10-minute keep-alive, a function fired every 15 minutes finds an
 * environment ready at every fire (started shortly before it) and holds none between fires. The same function called
 * at the same times by Event invocations, which the platform cannot foresee, starts cold every time. On a
 * {@link TestClock}; the server's housekeeping runs every 20 ms of real time.
 */
class TimerPrewarmTest {
    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:";

    @TempDir
    Path dataDir;
    final TestClock clock = new TestClock(START);
    EmberTestServer ember;
    EventBridgeClient events;

    @BeforeEach
    void start() {
        ember = EmberTestServer.start(dataDir, o -> o.withSandbox(false).withClock(clock).withPolicy("fixed")
                .withHousekeeping(Duration.ofMillis(20)));
        events = EventBridgeClient.builder().endpointOverride(ember.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("e", "e")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void stop() {
        events.close();
        ember.close();
    }

    private void deploy(String name) {
        ember.lambda().createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("h")
                .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.ECHO)))));
    }

    private void schedule(String function) {
        events.putRule(b -> b.name("every-15").scheduleExpression("rate(15 minutes)"));
        events.putTargets(b -> b.rule("every-15").targets(t -> t.id("t").arn(ARN + function)));
    }

    /** The REPORT lines of the function's invocations so far. */
    private List<String> reports(String function) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String log = http.send(HttpRequest.newBuilder(ember.endpoint()
                    .resolve("/ember/v1/functions/" + function + "/logs")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return log.lines().filter(line -> line.contains("REPORT RequestId")).toList();
        }
    }

    private List<String> awaitReports(String function, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> reports(function).size() >= count);
        try {
            return reports(function);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private int idle(String function) throws Exception {
        return ember.scaling(function).path("Idle").asInt();
    }

    private void awaitIdle(String function, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> idle(function) == count);
    }

    private static long cold(List<String> reports) {
        return reports.stream().filter(line -> line.contains("Init Duration")).count();
    }

    @Test
    void everyFireFindsAnEnvironmentStartedJustBeforeItAndNoneIsHeldBetweenFires() throws Exception {
        deploy("timer");
        schedule("timer");
        JsonNode scaling = ember.scaling("timer");
        assertThat(scaling.path("NextScheduledCall").asText()).isEqualTo(START.plus(Duration.ofMinutes(15)).toString());
        assertThat(scaling.path("Explanation").asText()).contains("a schedule calls it next at 2026-12-07T12:15:00Z")
                .contains("let go after the call");

        for (int fire = 1; fire <= 3; fire++) {
            Instant at = START.plus(Duration.ofMinutes(15L * fire));
            // Well before the fire, nothing is held...
            clock.set(at.minus(Duration.ofMinutes(5)));
            Thread.sleep(100); // several housekeeping rounds: none may start anything this early
            assertThat(idle("timer")).as("fire %d, 5 minutes before", fire).isZero();
            // ...and within the lead an environment is started and waits.
            clock.set(at.minusSeconds(8));
            awaitIdle("timer", 1);
            clock.set(at);
            List<String> reports = awaitReports("timer", fire);
            assertThat(cold(reports)).as("cold starts after %d fires", fire).isZero();
            // The next fire is 15 minutes away, beyond a minute: the environment goes right after the call.
            awaitIdle("timer", 0);
        }
        // Idle memory: 8 s at 128 MB per fire (from the pre-warm to the fire; the clock stood still meanwhile), not
        // 10 minutes.
        assertThat(ember.scaling("timer").path("IdleMbSeconds").asDouble()).isEqualTo(3 * 8 * 128.0);
    }

    @Test
    void theSameCallsUnforeseenStartColdEveryTimeWithATenMinuteKeepAlive() throws Exception {
        deploy("unforeseen");
        for (int call = 1; call <= 3; call++) {
            clock.set(START.plus(Duration.ofMinutes(15L * call)));
            ember.lambda().invoke(b -> b.functionName("unforeseen").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{}")));
            assertThat(cold(awaitReports("unforeseen", call))).isEqualTo(call);
            awaitIdle("unforeseen", 1); // kept 10 minutes, for nothing: the next call is in 15
        }
        // Each waited its full 10 minutes but the last, which has waited none yet.
        clock.set(START.plus(Duration.ofMinutes(45)).plusSeconds(1));
        assertThat(ember.scaling("unforeseen").path("IdleMbSeconds").asDouble())
                .isBetween(2 * 600 * 128.0, 2 * 600 * 128.0 + 128);
    }

    @Test
    void aTimerFunctionThatOtherCallsReachTooKeepsWhatItsPolicyKeeps() throws Exception {
        deploy("mixed");
        schedule("mixed");
        clock.set(START.plus(Duration.ofMinutes(10)));
        ember.lambda().invoke(b -> b.functionName("mixed").payload(SdkBytes.fromUtf8String("{}")));
        clock.set(START.plus(Duration.ofMinutes(15)));
        List<String> reports = awaitReports("mixed", 2);
        assertThat(reports.get(1)).as("the fire, 5 minutes after a call").doesNotContain("Init Duration");
        Thread.sleep(100);
        assertThat(idle("mixed")).as("kept for the policy's 10 minutes, for the other calls").isOne();
        assertThat(ember.scaling("mixed").path("Explanation").asText())
                .contains("other calls reach it too, so the policy keeps what it keeps");
    }
}
