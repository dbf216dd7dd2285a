package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ember schedule} against a scripted EventBridge (AWS JSON 1.1 on {@code POST /}) and Lambda. */
class ScheduleCommandTest {
    private static final String CONFIGURATION = "/2015-03-31/functions/hello/configuration";
    private static final String HELLO = "arn:aws:lambda:us-east-1:000000000000:function:hello";
    private static final String NIGHTLY_ARN = "arn:aws:events:us-east-1:000000000000:rule/nightly";
    private static final String NO_RULES = "{\"Rules\":[]}";
    private static final String NIGHTLY = """
            {"Rules":[{"Name":"nightly","Arn":"arn:aws:events:us-east-1:000000000000:rule/nightly",
             "ScheduleExpression":"cron(0 2 * * ? *)","State":"ENABLED","EventBusName":"default",
             "EmberNextFire":"2025-06-02T02:00:00Z"}]}""";
    private static final String PUT_RULE = "{\"RuleArn\":\"" + NIGHTLY_ARN + "\"}";
    private static final String NO_FAILURES = "{\"FailedEntryCount\":0,\"FailedEntries\":[]}";

    private final FakeLambda lambda = FakeLambda.start();
    /** Answers by {@code Operation body} or by {@code Operation}; each in turn, the last one again and again. */
    private final Map<String, List<String[]>> events = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        lambda.close();
    }

    /** Scripts EventBridge's answers to {@code operation}, or to {@code Operation body} for one body only. */
    private void on(String operation, String... answers) {
        List<String[]> replies = new ArrayList<>();
        for (String answer : answers) {
            replies.add(new String[] {"200", answer});
        }
        script(operation, replies);
    }

    private void onError(String operation, String type, String message) {
        script(operation, List.<String[]>of(new String[] {"400",
                FakeLambda.JSON.createObjectNode().put("__type", type).put("message", message).toString()}));
    }

    private void script(String operation, List<String[]> replies) {
        if (events.isEmpty()) {
            lambda.on("POST", "/", exchange -> {
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                String op = target == null ? "" : target.replaceFirst("^AWSEvents\\.", "");
                String body = lambda.requests().getLast().text(); // FakeLambda has read it; the CLI asks in turn
                List<String[]> scripted = events.getOrDefault(op + ' ' + body, events.get(op));
                String[] reply = scripted == null
                        ? new String[] {"400", "{\"__type\":\"UnknownOperationException\",\"message\":"
                                + "\"not scripted: " + op + "\"}"}
                        : scripted.size() > 1 ? scripted.removeFirst() : scripted.getFirst();
                byte[] bytes = reply[1].getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(Integer.parseInt(reply[0]), bytes.length);
                exchange.getResponseBody().write(bytes);
            });
        }
        events.put(operation, new ArrayList<>(replies));
    }

    /** Each request: {@code Operation body} for EventBridge's, {@code METHOD target} for the others. */
    private List<String> calls() {
        return lambda.requests().stream().map(request -> request.line().equals("POST /")
                ? request.header("X-Amz-Target").replaceFirst("^AWSEvents\\.", "") + ' ' + request.text()
                : request.line()).toList();
    }

    private void hello() {
        lambda.on("GET", CONFIGURATION, 200, FakeLambda.configuration("hello", "$LATEST").toString());
    }

    @Test
    void addsACronScheduleWithAnInputAndSaysWhenItFiresNext() {
        hello();
        on("ListRules", NO_RULES, NIGHTLY);
        on("PutRule", PUT_RULE);
        on("PutTargets", NO_FAILURES);

        Ember.Run run = Ember.against(lambda, "schedule", "add", "nightly", "--cron", "0 2 * * ? *", "--function",
                "hello", "--input", "{\"job\":\"report\"}");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                created schedule nightly
                  rule       arn:aws:events:us-east-1:000000000000:rule/nightly
                  schedule   cron(0 2 * * ? *)
                  target     arn:aws:lambda:us-east-1:000000000000:function:hello
                  input      {"job":"report"}
                  next fire  2025-06-02T02:00:00Z (in 14h)
                """);
        assertThat(calls()).containsExactly(
                "GET " + CONFIGURATION,
                "ListRules {\"NamePrefix\":\"nightly\"}",
                "PutRule {\"Name\":\"nightly\",\"ScheduleExpression\":\"cron(0 2 * * ? *)\",\"State\":\"ENABLED\"}",
                "PutTargets {\"Rule\":\"nightly\",\"Targets\":[{\"Id\":\"hello\",\"Arn\":\"" + HELLO + "\","
                        + "\"Input\":\"{\\\"job\\\":\\\"report\\\"}\"}]}",
                "ListRules {\"NamePrefix\":\"nightly\"}");
        FakeLambda.Request putRule = lambda.requests().get(2);
        assertThat(putRule.header("X-Amz-Target")).isEqualTo("AWSEvents.PutRule");
        assertThat(putRule.header("Content-Type")).isEqualTo("application/x-amz-json-1.1");
    }

    @Test
    void updatesADisabledScheduleOfAnAliasWithTheRegionAndAccountOfTheFunctionsArn() {
        ObjectNode live = FakeLambda.configuration("hello", "3")
                .put("FunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:hello:3");
        lambda.on("GET", CONFIGURATION + "?Qualifier=live", 200, live.toString());
        String disabled = NIGHTLY.replace("\"ENABLED\"", "\"DISABLED\"")
                .replace(",\n \"EmberNextFire\":\"2025-06-02T02:00:00Z\"", "")
                .replace("cron(0 2 * * ? *)", "rate(1 day)");
        on("ListRules", disabled);
        on("PutRule", PUT_RULE);
        on("PutTargets", NO_FAILURES);

        Ember.Run run = Ember.against(lambda, "schedule", "add", "nightly", "--rate", "1 day", "--function",
                "hello:live", "--description", "the nightly report", "--disabled");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                updated schedule nightly
                  rule         arn:aws:events:us-east-1:000000000000:rule/nightly
                  schedule     rate(1 day)
                  target       arn:aws:lambda:eu-west-1:123456789012:function:hello:live
                  description  the nightly report
                  next fire    none: the schedule is disabled
                """);
        assertThat(calls()).contains("PutRule {\"Name\":\"nightly\",\"ScheduleExpression\":\"rate(1 day)\","
                        + "\"State\":\"DISABLED\",\"Description\":\"the nightly report\"}",
                "PutTargets {\"Rule\":\"nightly\",\"Targets\":[{\"Id\":\"hello\","
                        + "\"Arn\":\"arn:aws:lambda:eu-west-1:123456789012:function:hello:live\"}]}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rate|15 minutes|rate(15 minutes)",
        "--rate|' rate(1 hour) '|rate(1 hour)",
        "--cron|0 10 * * ? *|cron(0 10 * * ? *)",
        "--cron|cron(0/5 * * * ? *)|cron(0/5 * * * ? *)",
        "--expression|rate(5 minutes)|rate(5 minutes)"})
    void writesTheScheduleExpressionOfEachOption(String option, String value, String expression) {
        hello();
        on("ListRules", NO_RULES);
        on("PutRule", PUT_RULE);
        on("PutTargets", NO_FAILURES);

        Ember.Run run = Ember.against(lambda, "schedule", "add", "nightly", option, value, "--function", HELLO);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(calls()).contains("PutRule {\"Name\":\"nightly\",\"ScheduleExpression\":\"" + expression
                + "\",\"State\":\"ENABLED\"}");
        assertThat(run.out()).contains("  next fire  none\n");
    }

    @Test
    void takesExactlyOneOfRateCronAndExpressionAndAFunction() {
        Ember.Run both = Ember.against(lambda, "schedule", "add", "n", "--rate", "5 minutes", "--cron",
                "0 10 * * ? *", "--function", "hello");
        Ember.Run neither = Ember.against(lambda, "schedule", "add", "n", "--function", "hello");
        Ember.Run noFunction = Ember.against(lambda, "schedule", "add", "n", "--rate", "5 minutes");

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("ember: Error: --rate='N UNIT', --cron='FIELDS' are mutually exclusive")
                .contains("Usage: ember schedule add ").contains("See 'ember schedule add --help'.");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).startsWith("ember: Error: Missing required argument (specify one of these): "
                + "(--rate='N UNIT' | --cron='FIELDS' | --expression=EXPRESSION)");
        assertThat(noFunction.exitCode()).isEqualTo(2);
        assertThat(noFunction.err()).startsWith("ember: Missing required option: '--function=FUNCTION[:QUALIFIER]'");
        assertThat(lambda.requests()).isEmpty();
    }

    @Test
    void refusesAnInputThatIsNotJsonAndAFunctionThatIsNotThereBeforeMakingARule() {
        lambda.onError("GET", "/2015-03-31/functions/nope/configuration", 404, "ResourceNotFoundException",
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");

        Ember.Run badInput = Ember.against(lambda, "schedule", "add", "n", "--rate", "5 minutes", "--function",
                "hello", "--input", "{job");
        Ember.Run badFunction = Ember.against(lambda, "schedule", "add", "n", "--rate", "5 minutes", "--function",
                "arn:aws:sqs:us-east-1:000000000000:queue");
        Ember.Run missing = Ember.against(lambda, "schedule", "add", "n", "--rate", "5 minutes", "--function",
                "nope");

        assertThat(badInput.exitCode()).isEqualTo(1);
        assertThat(badInput.err()).startsWith("ember: --input must be JSON: ");
        assertThat(badFunction.exitCode()).isEqualTo(1);
        assertThat(badFunction.err()).isEqualTo("ember: --function takes a function's name, NAME:QUALIFIER or its "
                + "ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]), was "
                + "arn:aws:sqs:us-east-1:000000000000:queue\n");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("ember: ResourceNotFoundException: Function not found: "
                + "arn:aws:lambda:us-east-1:000000000000:function:nope\n");
        assertThat(calls()).containsExactly("GET /2015-03-31/functions/nope/configuration");
    }

    @Test
    void reportsTheServersValidationErrorAndAddsNoTarget() {
        hello();
        on("ListRules", NO_RULES);
        onError("PutRule", "ValidationException", "Parameter ScheduleExpression is not valid: a rate of 1 takes "
                + "the singular unit (rate(1 minute)) and any other value the plural (rate(5 minutes)); it was "
                + "rate(1 minutes)");

        Ember.Run run = Ember.against(lambda, "schedule", "add", "nightly", "--rate", "1 minutes", "--function",
                "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ember: ValidationException: Parameter ScheduleExpression is not valid: a "
                + "rate of 1 takes the singular unit (rate(1 minute)) and any other value the plural "
                + "(rate(5 minutes)); it was rate(1 minutes)\n");
        assertThat(calls()).noneMatch(call -> call.startsWith("PutTargets"));
    }

    @Test
    void aFailedTargetIsAnErrorAndTheRuleItsCommandCreatedIsDeletedAgain() {
        hello();
        on("ListRules", NO_RULES);
        on("PutRule", PUT_RULE);
        on("PutTargets", """
                {"FailedEntryCount":1,"FailedEntries":[{"TargetId":"hello","ErrorCode":"ValidationException",
                 "ErrorMessage":"a rule has at most 5 targets"}]}""");
        on("DeleteRule", "{}");

        Ember.Run run = Ember.against(lambda, "schedule", "add", "nightly", "--rate", "5 minutes", "--function",
                "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ember: the schedule nightly cannot target " + HELLO + ": "
                + "ValidationException: a rule has at most 5 targets; the schedule was not created\n");
        assertThat(calls()).last().isEqualTo("DeleteRule {\"Name\":\"nightly\"}");
    }

    @Test
    void aFailedTargetLeavesARuleThatExistedAsItWas() {
        hello();
        on("ListRules", NIGHTLY);
        on("PutRule", PUT_RULE);
        on("PutTargets", """
                {"FailedEntryCount":1,"FailedEntries":[{"TargetId":"hello","ErrorCode":"ResourceNotFoundException",
                 "ErrorMessage":"no function hello"}]}""");

        Ember.Run run = Ember.against(lambda, "schedule", "add", "nightly", "--rate", "5 minutes", "--function",
                "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: the schedule nightly cannot target " + HELLO + ": "
                + "ResourceNotFoundException: no function hello\n");
        assertThat(calls()).noneMatch(call -> call.startsWith("DeleteRule"));
    }

    @Test
    void listsTheSchedulesWithTheirNextFireAndTargetsOnEveryPage() {
        on("ListRules {}", """
                {"Rules":[{"Name":"every-15","Arn":"arn:aws:events:us-east-1:000000000000:rule/every-15",
                 "ScheduleExpression":"rate(15 minutes)","State":"ENABLED","EventBusName":"default",
                 "EmberNextFire":"2025-06-01T12:05:00.250Z"},
                 {"Name":"gone","Arn":"arn:aws:events:us-east-1:000000000000:rule/gone",
                 "ScheduleExpression":"rate(1 hour)","State":"ENABLED","EventBusName":"default"}],
                 "NextToken":"page-2"}""");
        on("ListRules {\"NextToken\":\"page-2\"}", """
                {"Rules":[{"Name":"nightly","Arn":"arn:aws:events:us-east-1:000000000000:rule/nightly",
                 "ScheduleExpression":"cron(0 2 * * ? *)","State":"ENABLED","EventBusName":"default",
                 "Description":"the nightly report","EmberNextFire":"2025-06-02T02:00:00Z"},
                 {"Name":"paused","Arn":"arn:aws:events:us-east-1:000000000000:rule/paused",
                 "ScheduleExpression":"rate(1 day)","State":"DISABLED","EventBusName":"default"}]}""");
        on("ListTargetsByRule {\"Rule\":\"every-15\"}", "{\"Targets\":[{\"Id\":\"hello\",\"Arn\":\"" + HELLO + "\"}]}");
        onError("ListTargetsByRule {\"Rule\":\"gone\"}", "ResourceNotFoundException",
                "Rule gone does not exist on EventBus default.");
        on("ListTargetsByRule {\"Rule\":\"nightly\"}", """
                {"Targets":[{"Id":"hello","Arn":"arn:aws:lambda:us-east-1:000000000000:function:hello"},
                 {"Id":"reports","Arn":"arn:aws:lambda:us-east-1:000000000000:function:reports:live",
                  "Input":"{}"},
                 {"Id":"topic","Arn":"arn:aws:sns:us-east-1:000000000000:topic"}]}""");
        on("ListTargetsByRule {\"Rule\":\"paused\"}", "{\"Targets\":[]}");

        Ember.Run run = Ember.against(lambda, "schedule", "ls");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                NAME      SCHEDULE           STATE     NEXT FIRE                      TARGETS
                every-15  rate(15 minutes)   ENABLED   2025-06-01T12:05:00Z (in 5m)   hello
                nightly   cron(0 2 * * ? *)  ENABLED   2025-06-02T02:00:00Z (in 14h)  hello, reports:live, \
                arn:aws:sns:us-east-1:000000000000:topic
                paused    rate(1 day)        DISABLED  -                              -
                """);
    }

    @Test
    void removesEveryTargetThenTheRule() {
        on("ListTargetsByRule", """
                {"Targets":[{"Id":"hello","Arn":"arn:aws:lambda:us-east-1:000000000000:function:hello"},
                 {"Id":"reports","Arn":"arn:aws:lambda:us-east-1:000000000000:function:reports:live"}]}""");
        on("RemoveTargets", NO_FAILURES);
        on("DeleteRule", "{}");

        Ember.Run run = Ember.against(lambda, "schedule", "rm", "nightly");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                removed target hello (arn:aws:lambda:us-east-1:000000000000:function:hello) from nightly
                removed target reports (arn:aws:lambda:us-east-1:000000000000:function:reports:live) from nightly
                deleted schedule nightly
                """);
        assertThat(calls()).containsExactly("ListTargetsByRule {\"Rule\":\"nightly\"}",
                "RemoveTargets {\"Rule\":\"nightly\",\"Ids\":[\"hello\",\"reports\"]}",
                "DeleteRule {\"Name\":\"nightly\"}");
    }

    @Test
    void removesARuleWithoutTargetsAtOnce() {
        on("ListTargetsByRule", "{\"Targets\":[]}");
        on("DeleteRule", "{}");

        Ember.Run run = Ember.against(lambda, "schedule", "rm", "nightly");

        assertThat(run.out()).isEqualTo("deleted schedule nightly\n");
        assertThat(calls()).containsExactly("ListTargetsByRule {\"Rule\":\"nightly\"}",
                "DeleteRule {\"Name\":\"nightly\"}");
    }

    @Test
    void keepsTheRuleWhenATargetCannotBeRemoved() {
        on("ListTargetsByRule", """
                {"Targets":[{"Id":"a","Arn":"arn:aws:lambda:us-east-1:000000000000:function:a"},
                 {"Id":"b","Arn":"arn:aws:lambda:us-east-1:000000000000:function:b"}]}""");
        on("RemoveTargets", """
                {"FailedEntryCount":1,"FailedEntries":[{"TargetId":"b","ErrorCode":"ResourceNotFoundException",
                 "ErrorMessage":"no target b on nightly"}]}""");

        Ember.Run run = Ember.against(lambda, "schedule", "rm", "nightly");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("removed target a (arn:aws:lambda:us-east-1:000000000000:function:a) "
                + "from nightly\n");
        assertThat(run.err()).isEqualTo("ember: could not remove the target b from nightly: "
                + "ResourceNotFoundException: no target b on nightly; the schedule is kept\n");
        assertThat(calls()).noneMatch(call -> call.startsWith("DeleteRule"));
    }

    @Test
    void reportsAnUnknownScheduleWithTheNameOfAQualifiedErrorType() {
        onError("ListTargetsByRule", "com.amazonaws.events#ResourceNotFoundException",
                "Rule nope does not exist on EventBus default.");

        Ember.Run run = Ember.against(lambda, "schedule", "rm", "nope");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: ResourceNotFoundException: Rule nope does not exist on EventBus "
                + "default.\n");
    }

    @Test
    void saysSoWhenTheServerHasNoEventBridgeApi() {
        lambda.onError("POST", "/", 404, "ResourceNotFoundException", "Unknown operation POST /");

        Ember.Run run = Ember.against(lambda, "schedule", "ls");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: the server at " + lambda.endpoint() + " does not serve EventBridge's"
                + " API (POST / with X-Amz-Target: AWSEvents.ListRules): it is older than schedules\n");
    }

    @Test
    void printsTheUsageAndExitsWithTwoWithoutASubcommand() {
        Ember.Run run = Ember.against(lambda, "schedule");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("Usage: ember schedule ").contains("add", "ls", "rm");
    }
}
