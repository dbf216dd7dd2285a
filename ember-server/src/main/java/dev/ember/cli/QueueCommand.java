package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ember queue ...}: Ember's built-in queues, where the dead letters and destination records of asynchronous
 * invocations wait (a queue comes into being when a configuration names its {@code arn:aws:sqs:...} ARN).
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        subcommands = {QueueCommand.ListQueues.class, QueueCommand.ShowQueue.class, QueueCommand.Redrive.class},
        description = {"Shows and redrives the built-in queues of dead letters and destination records.",
            "A queue is named by the arn:aws:sqs:...:NAME of a DeadLetterConfig or destination; commands take NAME "
                    + "or the whole ARN."})
final class QueueCommand extends CommandGroup {

    /** The queue's name: {@code NAME} as given, or the end of its ARN, {@code arn:aws:sqs:REGION:ACCOUNT:NAME}. */
    static String name(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn.substring(nameOrArn.lastIndexOf(':') + 1) : nameOrArn;
    }

    /** {@code ember queue ls}. */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "Lists the queues and what they hold.")
    static final class ListQueues extends ClientCommand {
        ListQueues(CliContext context) {
            super(context);
        }

        @Override
        int run(ControlPlaneClient client) {
            Instant now = context.clock().instant();
            var table = new TextTable().row("NAME", "MESSAGES", "OLDEST", "ARN");
            for (JsonNode queue : client.listQueues()) {
                table.row(queue.path("Name").asText(), queue.path("Messages").asText(),
                        queue.hasNonNull("OldestSentAt")
                                ? Human.ago(Instant.parse(queue.get("OldestSentAt").asText()), now) : null,
                        queue.path("Arn").asText());
            }
            table.print(out());
            return 0;
        }
    }

    /** {@code ember queue show}: the queue and its oldest messages, each with its attributes and body. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Shows a queue's oldest messages: when each was sent, its attributes (a dead letter's "
                    + "RequestID, ErrorCode, ErrorMessage) and its body.",
                "Long bodies are cut short; --json prints the server's JSON document, bodies whole."})
    static final class ShowQueue extends ClientCommand {
        /** The server's limit of messages in one answer. */
        static final int MAX_MESSAGES = 1000;

        @Parameters(index = "0", paramLabel = "NAME", description = "The queue's name or ARN.")
        String queue;

        @Option(names = "--max", paramLabel = "N", defaultValue = "10",
                description = "Show at most N messages, the oldest first: 1 to " + MAX_MESSAGES
                        + " (default: ${DEFAULT-VALUE}).")
        int max;

        @Option(names = "--json", description = "Print the server's JSON document as it came, for scripts.")
        boolean json;

        ShowQueue(CliContext context) {
            super(context);
        }

        @Override
        int run(ControlPlaneClient client) {
            if (max < 1 || max > MAX_MESSAGES) {
                throw new CliException("--max must be 1 to " + MAX_MESSAGES + ", was " + max);
            }
            JsonNode found = client.getQueue(name(queue), max);
            if (json) {
                out().println(found);
                out().flush();
                return 0;
            }
            Instant now = context.clock().instant();
            int messages = found.path("Messages").asInt();
            out().println(found.path("Name").asText());
            new TextTable("  ")
                    .row("arn", found.path("Arn").asText())
                    .row("messages", messages == 0 ? "none" : messages + ", the oldest sent "
                            + sent(found.path("OldestSentAt").asText(), now))
                    .row("created", found.path("CreatedAt").asText())
                    .print(out());
            JsonNode shown = found.path("MessageList");
            for (JsonNode message : shown) {
                printMessage(message, now);
            }
            if (shown.size() < messages) {
                out().println();
                out().println("showed the oldest " + shown.size() + " of " + messages + " messages; --max "
                        + Math.min(messages, MAX_MESSAGES) + " shows " + (messages > MAX_MESSAGES ? "more" : "all"));
            }
            out().flush();
            return 0;
        }

        private void printMessage(JsonNode message, Instant now) {
            out().println();
            out().println("message " + message.path("MessageId").asText());
            var table = new TextTable("  ").row("sent", sent(message.path("SentAt").asText(), now));
            message.path("Attributes").properties().forEach(attribute ->
                    table.row(attribute.getKey(), attribute.getValue().asText().replaceAll("\\s*\\R\\s*", " ")));
            table.print(out());
            out().println("  body");
            for (String line : MessageBody.lines(message.path("Body").asText())) {
                out().println("    " + line);
            }
        }

        /** {@code 2025-06-01T11:58:00Z (2m ago)}. */
        private static String sent(String instant, Instant now) {
            return instant + " (" + Human.ago(Instant.parse(instant), now) + ")";
        }
    }

    /** {@code ember queue redrive}: Ember's redrive, the queue's messages invoked again as new events. */
    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Sends a queue's messages to a function as new asynchronous events, oldest first, and "
                    + "takes them off the queue.",
                "A dead letter is its event again; a destination record gives the event it was about.",
                "Messages stay on the queue when the function's backlog fills up."})
    static final class Redrive extends ClientCommand {
        @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name or ARN.")
        String queue;

        @Parameters(index = "1", paramLabel = "FUNCTION[:QUALIFIER]",
                description = "The function to invoke, e.g. orders or orders:live.")
        String function;

        Redrive(CliContext context) {
            super(context);
        }

        @Override
        int run(ControlPlaneClient client) {
            String name = name(queue);
            JsonNode result = client.redriveQueue(name, function);
            int left = result.path("Left").asInt();
            out().println("moved " + Human.count(result.path("Moved").asInt(), "message") + " from " + name + " to "
                    + function + "; " + left + " left on " + name
                    + (left == 0 ? "" : ": the function's asynchronous backlog is full, redrive again once it drains"));
            out().flush();
            return 0;
        }
    }
}
