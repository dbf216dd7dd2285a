package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueueCommandTest {
    private static final String QUEUES = "/ember/v1/queues";
    private static final String DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq";
    /** As the server sends it: a dead letter (the event, and why it failed) and a destination record. */
    private static final String TWO_MESSAGES = """
            {"Name":"dlq","Arn":"arn:aws:sqs:us-east-1:000000000000:dlq","Messages":3,\
            "OldestSentAt":"2025-06-01T11:55:00Z","CreatedAt":"2025-06-01T10:00:00Z","MessageList":[\
            {"MessageId":"m-1","SentAt":"2025-06-01T11:55:00Z","Attributes":{"RequestID":"req-1","ErrorCode":"200",\
            "ErrorMessage":"attempt 1 failed"},"Body":"{\\"n\\":1}"},\
            {"MessageId":"m-2","SentAt":"2025-06-01T11:59:59Z","Attributes":{},\
            "Body":"{\\"requestContext\\":{\\"requestId\\":\\"req-2\\",\\"condition\\":\\"RetriesExhausted\\"},\
            \\"requestPayload\\":[1,2]}"}]}""";

    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    @Test
    void listsTheQueuesWithTheAgeOfTheirOldestMessage() {
        lambda.on("GET", QUEUES, 200, """
                {"Queues":[{"Name":"dlq","Arn":"arn:aws:sqs:us-east-1:000000000000:dlq","Messages":2,
                 "OldestSentAt":"2025-06-01T11:55:00Z","CreatedAt":"2025-06-01T10:00:00Z"},
                 {"Name":"done","Arn":"arn:aws:sqs:us-east-1:000000000000:done","Messages":0,
                 "CreatedAt":"2025-06-01T10:00:00Z"}]}""");

        Ember.Run run = Ember.against(lambda, "queue", "ls");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                NAME  MESSAGES  OLDEST  ARN
                dlq   2         5m ago  arn:aws:sqs:us-east-1:000000000000:dlq
                done  0         -       arn:aws:sqs:us-east-1:000000000000:done
                """);
    }

    @Test
    void showsEachMessageWithItsAttributesAndItsBodyPretty() {
        lambda.on("GET", QUEUES + "/dlq?MaxItems=10", 200, TWO_MESSAGES);

        Ember.Run run = Ember.against(lambda, "queue", "show", "dlq");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                dlq
                  arn       arn:aws:sqs:us-east-1:000000000000:dlq
                  messages  3, the oldest sent 2025-06-01T11:55:00Z (5m ago)
                  created   2025-06-01T10:00:00Z

                message m-1
                  sent          2025-06-01T11:55:00Z (5m ago)
                  RequestID     req-1
                  ErrorCode     200
                  ErrorMessage  attempt 1 failed
                  body
                    {
                      "n": 1
                    }

                message m-2
                  sent  2025-06-01T11:59:59Z (1s ago)
                  body
                    {
                      "requestContext": {
                        "requestId": "req-2",
                        "condition": "RetriesExhausted"
                      },
                      "requestPayload": [
                        1,
                        2
                      ]
                    }

                showed the oldest 2 of 3 messages; --max 3 shows all
                """);
    }

    @Test
    void printsTheServersJsonWithJsonAndTakesTheQueuesArn() {
        lambda.on("GET", QUEUES + "/dlq?MaxItems=2", 200, TWO_MESSAGES);

        Ember.Run run = Ember.against(lambda, "queue", "show", DLQ, "--max", "2", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(TWO_MESSAGES + "\n");
    }

    @Test
    void saysSoWhenTheQueueIsEmpty() {
        lambda.on("GET", QUEUES + "/done?MaxItems=10", 200, """
                {"Name":"done","Arn":"arn:aws:sqs:us-east-1:000000000000:done","Messages":0,
                 "CreatedAt":"2025-06-01T10:00:00Z","MessageList":[]}""");

        Ember.Run run = Ember.against(lambda, "queue", "show", "done");

        assertThat(run.out()).isEqualTo("""
                done
                  arn       arn:aws:sqs:us-east-1:000000000000:done
                  messages  none
                  created   2025-06-01T10:00:00Z
                """);
    }

    @Test
    void reportsAnUnknownQueueAndABadMaxAsErrors() {
        lambda.onError("GET", QUEUES + "/nope?MaxItems=10", 404, "ResourceNotFoundException",
                "Queue not found: arn:aws:sqs:us-east-1:000000000000:nope");

        Ember.Run unknown = Ember.against(lambda, "queue", "show", "nope");
        Ember.Run tooMany = Ember.against(lambda, "queue", "show", "dlq", "--max", "1001");

        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("ember: ResourceNotFoundException: Queue not found: "
                + "arn:aws:sqs:us-east-1:000000000000:nope\n");
        assertThat(tooMany.exitCode()).isEqualTo(1);
        assertThat(tooMany.err()).isEqualTo("ember: --max must be 1 to 1000, was 1001\n");
        assertThat(lambda.requests()).hasSize(1);
    }

    @Test
    void redrivesToAQualifierAndSaysHowManyMoved() {
        lambda.on("POST", QUEUES + "/dlq/redrive", 200, "{\"Moved\":2,\"Left\":0}");

        Ember.Run run = Ember.against(lambda, "queue", "redrive", DLQ, "fixed:live");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.request("POST", QUEUES + "/dlq/redrive").text())
                .isEqualTo("{\"FunctionName\":\"fixed:live\"}");
        assertThat(run.out()).isEqualTo("moved 2 messages from dlq to fixed:live; 0 left on dlq\n");
    }

    @Test
    void saysWhyMessagesWereLeft() {
        lambda.on("POST", QUEUES + "/dlq/redrive", 200, "{\"Moved\":1,\"Left\":4}");

        Ember.Run run = Ember.against(lambda, "queue", "redrive", "dlq", "fixed");

        assertThat(run.out()).isEqualTo("moved 1 message from dlq to fixed; 4 left on dlq: the function's"
                + " asynchronous backlog is full, redrive again once it drains\n");
    }

    @Test
    void printsTheUsageAndExitsWithTwoWithoutASubcommand() {
        Ember.Run run = Ember.against(lambda, "queue");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("Usage: ember queue ").contains("ls", "show", "redrive");
    }
}
