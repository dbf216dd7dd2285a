package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * {@code ember schedule add|ls|rm} against a real server on a clock the test moves (the CLI reads the same clock, so
 * "in 15m" is exact): a schedule fires its function with its input, and what the CLI made is what EventBridge's SDK
 * client sees.
 */
class ScheduleAgainstRealServerTest {
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private static final String ECHO = "arn:aws:lambda:us-east-1:000000000000:function:echo";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(START);
    EmberTestServer ember;
    CliContext context;

    @BeforeEach
    void start() {
        ember = EmberTestServer.start(dir.resolve("data"), o -> o.withSandbox(false).withClock(clock));
        context = Ember.context(ember, clock);
        var lambda = ember.lambda();
        lambda.createFunction(b -> b.functionName("echo").runtime(Runtime.PROVIDED_AL2023).handler("none")
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", Bootstraps.ECHO)))));
        // Each event the function handles becomes a message on "fired", its event in the record's requestPayload.
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("echo").destinationConfig(
                d -> d.onSuccess(s -> s.destination("arn:aws:sqs:us-east-1:000000000000:fired"))));
        lambda.publishVersion(b -> b.functionName("echo"));
        lambda.createAlias(b -> b.functionName("echo").name("live").functionVersion("1"));
    }

    @AfterEach
    void stop() {
        ember.close();
    }

    private Ember.Run ember(String... args) {
        return Ember.run(context, args);
    }

    private EventBridgeClient events() {
        return EventBridgeClient.builder().endpointOverride(ember.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("e", "e")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Test
    void addListFireAndRemoveSchedules() throws Exception {
        Ember.Run added = ember("schedule", "add", "every-15", "--rate", "15 minutes", "--function", "echo",
                "--input", "{\"job\":\"report\"}");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).isEqualTo("""
                created schedule every-15
                  rule       arn:aws:events:us-east-1:000000000000:rule/every-15
                  schedule   rate(15 minutes)
                  target     arn:aws:lambda:us-east-1:000000000000:function:echo
                  input      {"job":"report"}
                  next fire  2026-12-07T10:15:00Z (in 15m)
                """);

        Ember.Run nightly = ember("schedule", "add", "nightly", "--cron", "0 2 * * ? *", "--function", "echo:live",
                "--description", "the nightly report", "--disabled");
        assertThat(nightly.exitCode()).as(nightly.err()).isZero();
        assertThat(nightly.out()).contains("created schedule nightly\n",
                "  target       " + ECHO + ":live\n", "  next fire    none: the schedule is disabled\n");

        // What the server refuses is an error, and leaves no rule behind.
        Ember.Run badRate = ember("schedule", "add", "bad", "--rate", "1 minutes", "--function", "echo");
        assertThat(badRate.exitCode()).isEqualTo(1);
        assertThat(badRate.err()).isEqualTo("ember: ValidationException: Parameter ScheduleExpression is not valid: "
                + "a rate of 1 takes the singular unit (rate(1 minute)) and any other value the plural "
                + "(rate(5 minutes)); it was rate(1 minutes)\n");
        Ember.Run badCron = ember("schedule", "add", "bad", "--cron", "0 10 * * *", "--function", "echo");
        assertThat(badCron.exitCode()).isEqualTo(1);
        assertThat(badCron.err()).startsWith("ember: ValidationException: Parameter ScheduleExpression is not "
                + "valid: ");
        Ember.Run noFunction = ember("schedule", "add", "bad", "--rate", "5 minutes", "--function", "nope");
        assertThat(noFunction.exitCode()).isEqualTo(1);
        assertThat(noFunction.err()).startsWith("ember: ResourceNotFoundException: ").contains("nope");
        Ember.Run noAlias = ember("schedule", "add", "bad", "--rate", "5 minutes", "--function", "echo:canary");
        assertThat(noAlias.exitCode()).isEqualTo(1);
        assertThat(noAlias.err()).startsWith("ember: ResourceNotFoundException: ");
        Ember.Run both = ember("schedule", "add", "bad", "--rate", "5 minutes", "--cron", "0 10 * * ? *",
                "--function", "echo");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");

        assertThat(ember("schedule", "ls").out()).isEqualTo("""
                NAME      SCHEDULE           STATE     NEXT FIRE                      TARGETS
                every-15  rate(15 minutes)   ENABLED   2026-12-07T10:15:00Z (in 15m)  echo
                nightly   cron(0 2 * * ? *)  DISABLED  -                              echo:live
                """);
        try (EventBridgeClient events = events()) {
            var rule = events.describeRule(b -> b.name("nightly"));
            assertThat(rule.scheduleExpression()).isEqualTo("cron(0 2 * * ? *)");
            assertThat(rule.description()).isEqualTo("the nightly report");
            assertThat(events.listTargetsByRule(b -> b.rule("every-15")).targets()).singleElement()
                    .satisfies(t -> assertThat(t.id()).isEqualTo("echo"))
                    .satisfies(t -> assertThat(t.arn()).isEqualTo(ECHO))
                    .satisfies(t -> assertThat(t.input()).isEqualTo("{\"job\":\"report\"}"));
        }

        clock.advance(Duration.ofMinutes(15));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                JSON.readTree(ember("queue", "show", "fired", "--json").out()).path("Messages").asInt() == 1);
        JsonNode record = JSON.readTree(JSON.readTree(ember("queue", "show", "fired", "--json").out())
                .path("MessageList").path(0).path("Body").asText());
        assertThat(record.path("requestPayload")).isEqualTo(JSON.readTree("{\"job\":\"report\"}"));
        assertThat(ember("schedule", "ls").out())
                .contains("\nevery-15  rate(15 minutes)   ENABLED   2026-12-07T10:30:00Z (in 15m)  echo\n");

        Ember.Run removed = ember("schedule", "rm", "every-15");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).isEqualTo("""
                removed target echo (arn:aws:lambda:us-east-1:000000000000:function:echo) from every-15
                deleted schedule every-15
                """);
        Ember.Run again = ember("schedule", "rm", "every-15");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("ember: ResourceNotFoundException: Rule every-15 does not exist on "
                + "EventBus default.\n");
        assertThat(ember("schedule", "ls").out()).isEqualTo("""
                NAME     SCHEDULE           STATE     NEXT FIRE  TARGETS
                nightly  cron(0 2 * * ? *)  DISABLED  -          echo:live
                """);
    }

    @Test
    void aTargetTheServerRefusesIsAnErrorAndTheRuleKeepsItsTargets() {
        try (EventBridgeClient events = events()) {
            events.putRule(b -> b.name("full").scheduleExpression("rate(1 hour)"));
            for (int i = 1; i <= 5; i++) {
                String id = "t" + i;
                events.putTargets(b -> b.rule("full").targets(t -> t.id(id).arn(ECHO)));
            }
        }

        Ember.Run sixth = ember("schedule", "add", "full", "--rate", "1 hour", "--function", "echo");

        assertThat(sixth.exitCode()).isEqualTo(1);
        assertThat(sixth.out()).isEmpty();
        assertThat(sixth.err()).isEqualTo("ember: the schedule full cannot target " + ECHO
                + ": ValidationException: a rule has at most 5 targets\n");
        assertThat(ember("schedule", "ls").out()).contains("\nfull  rate(1 hour)  ENABLED  ")
                .contains("  echo, echo, echo, echo, echo\n");

        Ember.Run removed = ember("schedule", "rm", "full");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).startsWith("removed target t1 (" + ECHO + ") from full\n")
                .endsWith("removed target t5 (" + ECHO + ") from full\ndeleted schedule full\n");
    }
}
