package dev.ember.schedule;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** EventBridge scheduled rules through the AWS SDK's EventBridge client, fired on an injected clock. */
class ScheduleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:timer";
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path dataDir;
    @TempDir
    Path work;
    final TestClock clock = new TestClock(START);
    EmberTestServer ember;
    EventBridgeClient events;

    private void start() {
        ember = EmberTestServer.start(dataDir, o -> o.withSandbox(false).withClock(clock));
        events = EventBridgeClient.builder().endpointOverride(ember.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("e", "e")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private void stopServer() {
        events.close();
        ember.close();
    }

    @AfterEach
    void stop() {
        stopServer();
    }

    /** The events the timer function got, oldest first, from its success records. */
    private List<JsonNode> fired() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            JsonNode queue = JSON.readTree(http.send(HttpRequest.newBuilder(ember.endpoint()
                    .resolve("/ember/v1/queues/fired?MaxItems=1000")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            List<JsonNode> fired = new ArrayList<>();
            for (JsonNode message : queue.path("MessageList")) {
                fired.add(JSON.readTree(message.path("Body").asText()).path("requestPayload"));
            }
            return fired;
        }
    }

    private List<JsonNode> awaitFired(int count) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fired().size() >= count);
        Thread.sleep(300); // a second delivery of the same fire would have arrived by now
        return fired();
    }

    private void deployTimer() {
        ember.lambda().createFunction(b -> b.functionName("timer").runtime(Runtime.PROVIDED_AL2023).handler("h")
                .environment(e -> e.variables(Map.of("SEEN_FILE", work.resolve("seen").toString(), "FAILURES", "0")))
                .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.RECORDING)))));
        ember.lambda().putFunctionEventInvokeConfig(b -> b.functionName("timer").destinationConfig(
                d -> d.onSuccess(s -> s.destination("arn:aws:sqs:us-east-1:000000000000:fired"))));
    }

    @Test
    void aRateRuleFiresTheScheduledEventAndAMissedFireIsDeliveredOnceAfterARestart() throws Exception {
        start();
        deployTimer();
        String arn = events.putRule(b -> b.name("every-15").scheduleExpression("rate(15 minutes)")).ruleArn();
        assertThat(arn).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/every-15");
        assertThat(events.putTargets(b -> b.rule("every-15").targets(t -> t.id("timer").arn(FUNCTION_ARN)))
                .failedEntryCount()).isZero();

        clock.advance(Duration.ofMinutes(14));
        Thread.sleep(300);
        assertThat(fired()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        JsonNode event = awaitFired(1).getFirst();
        assertThat(event.path("version").asText()).isEqualTo("0");
        assertThat(event.path("id").asText()).hasSize(36);
        assertThat(event.path("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(event.path("source").asText()).isEqualTo("aws.events");
        assertThat(event.path("account").asText()).isEqualTo("000000000000");
        assertThat(event.path("time").asText()).isEqualTo("2026-12-07T10:15:00Z");
        assertThat(event.path("region").asText()).isEqualTo("us-east-1");
        assertThat(event.path("resources")).isEqualTo(JSON.readTree("[\"" + arn + "\"]"));
        assertThat(event.path("detail")).isEqualTo(JSON.createObjectNode());

        // Down for two hours: eight fires missed, one delivered on recovery, then the schedule again.
        stopServer();
        clock.advance(Duration.ofHours(2));
        start();
        List<JsonNode> afterRestart = awaitFired(2);
        assertThat(afterRestart).hasSize(2);
        assertThat(afterRestart.get(1).path("time").asText()).isEqualTo("2026-12-07T10:30:00Z");
        clock.advance(Duration.ofMinutes(15));
        assertThat(awaitFired(3).get(2).path("time").asText()).isEqualTo("2026-12-07T12:30:00Z");
    }

    @Test
    void aCronRuleWithAnInputSendsTheInput() throws Exception {
        start();
        deployTimer();
        events.putRule(b -> b.name("daily").scheduleExpression("cron(30 10 * * ? *)").description("half past ten"));
        events.putTargets(b -> b.rule("daily").targets(t -> t.id("t1").arn(FUNCTION_ARN).input("{\"job\":\"report\"}")));
        clock.advance(Duration.ofMinutes(30));
        assertThat(awaitFired(1)).containsExactly(JSON.readTree("{\"job\":\"report\"}"));

        var rule = events.describeRule(b -> b.name("daily"));
        assertThat(rule.scheduleExpression()).isEqualTo("cron(30 10 * * ? *)");
        assertThat(rule.state()).isEqualTo(RuleState.ENABLED);
        assertThat(rule.description()).isEqualTo("half past ten");
        events.disableRule(b -> b.name("daily"));
        clock.advance(Duration.ofDays(1));
        Thread.sleep(300);
        assertThat(fired()).hasSize(1);
    }

    @Test
    void theApiRefusesWhatAwsRefuses() {
        start();
        deployTimer();
        assertThatThrownBy(() -> events.putRule(b -> b.name("bad").scheduleExpression("cron(0 10 * * * *)")))
                .isInstanceOf(EventBridgeException.class)
                .satisfies(e -> assertThat(((EventBridgeException) e).awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"))
                .hasMessageContaining("exactly one of day-of-month and day-of-week must be ?");
        assertThatThrownBy(() -> events.describeRule(b -> b.name("nope")))
                .isInstanceOf(ResourceNotFoundException.class);
        events.putRule(b -> b.name("r").scheduleExpression("rate(1 hour)"));
        var put = events.putTargets(b -> b.rule("r").targets(t -> t.id("a").arn(FUNCTION_ARN),
                t -> t.id("b").arn("arn:aws:sns:us-east-1:000000000000:topic"),
                t -> t.id("c").arn("arn:aws:lambda:us-east-1:000000000000:function:nobody")));
        assertThat(put.failedEntryCount()).isEqualTo(2);
        assertThat(put.failedEntries()).extracting(f -> f.targetId()).containsExactly("b", "c");
        assertThat(events.listTargetsByRule(b -> b.rule("r")).targets()).extracting(t -> t.id())
                .containsExactly("a");
        assertThat(events.listRules(b -> b.namePrefix("r")).rules()).extracting(r -> r.name()).containsExactly("r");
        assertThatThrownBy(() -> events.deleteRule(b -> b.name("r"))).hasMessageContaining("has targets");
        events.removeTargets(b -> b.rule("r").ids("a"));
        events.deleteRule(b -> b.name("r"));
        assertThat(events.listRules(b -> { }).rules()).isEmpty();
    }
}
