package dev.ember.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ember schedule ...}: functions run on a schedule, as EventBridge scheduled rules on the default bus, each
 * with the function as its target (the target's id is the function's name). The server speaks EventBridge's API, so
 * {@code aws events} sees the same rules.
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        subcommands = {ScheduleCommand.Add.class, ScheduleCommand.ListSchedules.class, ScheduleCommand.Remove.class},
        description = {"Runs functions on a schedule: EventBridge scheduled rules whose targets are functions.",
            "At each fire the function gets an asynchronous (Event) invocation of EventBridge's Scheduled Event, "
                    + "or of the schedule's --input; times are UTC."})
final class ScheduleCommand extends CommandGroup {
    private static final ObjectMapper JSON = new ObjectMapper();


    /**
     * How a target is shown: {@code NAME} or {@code NAME:QUALIFIER} for a function's ARN
     * ({@code arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]}), any other ARN whole.
     */
    static String targetName(String arn) {
        String[] parts = arn.split(":", -1);
        if ((parts.length == 7 || parts.length == 8) && parts[0].equals("arn") && parts[2].equals("lambda")
                && parts[5].equals("function")) {
            return parts.length == 7 ? parts[6] : parts[6] + ':' + parts[7];
        }
        return arn;
    }

    /**
     * When a rule (as ListRules describes it) fires next: {@code 2025-06-01T12:05:00Z (in 5m)}, to the second; null
     * when the server gives no {@code EmberNextFire} (a disabled rule, or one with no fire left).
     */
    static String nextFire(JsonNode rule, Instant now) {
        String text = rule.path("EmberNextFire").asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            // To the second, and counted from the time shown, so the two agree.
            Instant next = Instant.parse(text).truncatedTo(ChronoUnit.SECONDS);
            return next + " (" + Human.fromNow(next, now) + ")";
        } catch (DateTimeParseException notAnInstant) {
            return text;
        }
    }

    /** {@code ember schedule add}: PutRule, then PutTargets with the function. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Creates a schedule that invokes a function, or updates the schedule of that name.",
                "Give exactly one of --rate, --cron and --expression. A rate counts from when the schedule is "
                        + "created or its expression changes; a cron is EventBridge's six fields, in UTC, with ? in "
                        + "one of the two day fields.",
                "Prints the rule's ARN and when it fires next."})
    static final class Add extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME",
                description = "The schedule's name: 1 to 64 letters, digits, '.', '-' or '_'.")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        When when;

        @Option(names = "--function", required = true, paramLabel = "FUNCTION[:QUALIFIER]",
                description = "The function to invoke, e.g. reports or reports:live, or its ARN.")
        String function;

        @Option(names = "--input", paramLabel = "JSON",
                description = "The event to send, instead of EventBridge's Scheduled Event.")
        String input;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the schedule is for.")
        String description;

        @Option(names = "--disabled",
                description = "Keep the schedule from firing (add it again without --disabled to enable it).")
        boolean disabled;

        /** The schedule, given one way of three. */
        static final class When {
            @Option(names = "--rate", paramLabel = "'N UNIT'",
                    description = "Every N minutes, hours or days, e.g. '15 minutes', '1 hour' (singular for 1).")
            String rate;

            @Option(names = "--cron", paramLabel = "'FIELDS'",
                    description = "Minutes hours day-of-month month day-of-week year, in UTC, e.g. '0 10 * * ? *'.")
            String cron;

            @Option(names = "--expression", paramLabel = "EXPRESSION",
                    description = "An EventBridge schedule expression as it is: rate(...) or cron(...).")
            String expression;

            /** The schedule expression: {@code --rate 5 minutes} is {@code rate(5 minutes)}. */
            String expression() {
                if (rate != null) {
                    return wrapped("rate", rate);
                }
                if (cron != null) {
                    return wrapped("cron", cron);
                }
                return expression.strip();
            }

            /** {@code kind(value)}, unless the value is written so already. */
            private static String wrapped(String kind, String value) {
                String given = value.strip();
                return given.startsWith(kind + "(") && given.endsWith(")") ? given : kind + "(" + given + ")";
            }
        }

        /** The function a schedule targets: the target's id (the function's name) and ARN. */
        record Target(String id, String arn) {
        }

        Add(CliContext context) {
            super(context);
        }

        @Override
        int run(ControlPlaneClient client) {
            String expression = when.expression();
            if (input != null) {
                try {
                    JSON.readTree(input);
                } catch (JacksonException e) {
                    throw new CliException("--input must be JSON: " + e.getOriginalMessage());
                }
            }
            // The function first: a schedule of a function that is not there would never do anything.
            Target target = target(client);
            boolean existed = client.findRule(name).isPresent();
            String ruleArn = client.putRule(name, expression, !disabled, description);
            JsonNode put = client.putTarget(name, target.id(), target.arn(), input);
            if (put.path("FailedEntryCount").asInt() > 0) {
                JsonNode failed = put.path("FailedEntries").path(0);
                // A rule this command created, without its target, is undone; one that existed is left as it was.
                String undone = "";
                if (!existed) {
                    try {
                        client.deleteRule(name);
                        undone = "; the schedule was not created";
                    } catch (CliException e) {
                        undone = "; the schedule " + name + " was created without it (ember schedule rm " + name
                                + " deletes it)";
                    }
                }
                throw new CliException("the schedule " + name + " cannot target " + target.arn() + ": "
                        + failed.path("ErrorCode").asText("failed") + ": " + failed.path("ErrorMessage").asText()
                        + undone);
            }
            Optional<JsonNode> rule = client.findRule(name);
            String next = rule.map(found -> nextFire(found, context.clock().instant())).orElse(null);
            out().println((existed ? "updated" : "created") + " schedule " + name);
            var table = new TextTable("  ")
                    .row("rule", ruleArn)
                    .row("schedule", rule.map(found -> found.path("ScheduleExpression").asText(expression))
                            .orElse(expression))
                    .row("target", target.arn());
            if (input != null) {
                table.row("input", input);
            }
            if (description != null) {
                table.row("description", description);
            }
            table.row("next fire", next != null ? next : disabled ? "none: the schedule is disabled" : "none");
            table.print(out());
            return 0;
        }

        /** The function's ARN from the server: its own region and account, and the qualifier as given. */
        private Target target(ControlPlaneClient client) {
            String functionName;
            String qualifier;
            if (function.startsWith("arn:")) {
                String[] parts = function.split(":", -1);
                if ((parts.length != 7 && parts.length != 8) || !parts[2].equals("lambda")
                        || !parts[5].equals("function")) {
                    throw new CliException("--function takes a function's name, NAME:QUALIFIER or its ARN "
                            + "(arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]), was " + function);
                }
                functionName = parts[6];
                qualifier = parts.length == 8 ? parts[7] : null;
            } else {
                int colon = function.indexOf(':');
                functionName = colon < 0 ? function : function.substring(0, colon);
                qualifier = colon < 0 ? null : function.substring(colon + 1);
            }
            if (functionName.isEmpty() || (qualifier != null && qualifier.isEmpty())) {
                throw new CliException("--function takes a function's name, NAME:QUALIFIER or its ARN, was '"
                        + function + "'");
            }
            // With the qualifier, so that an alias or version that does not exist is refused now, not at a fire.
            JsonNode configuration = client.getFunctionConfiguration(functionName, qualifier);
            String arn = configuration.path("FunctionArn").asText();
            String[] parts = arn.split(":", -1);
            if (parts.length < 7 || !parts[2].equals("lambda") || !parts[5].equals("function")) {
                throw new CliException("the server gave " + functionName + " the FunctionArn '" + arn
                        + "', which is not a function's ARN");
            }
            String unqualified = String.join(":", List.of(parts).subList(0, 7));
            return new Target(configuration.path("FunctionName").asText(parts[6]),
                    qualifier == null ? unqualified : unqualified + ':' + qualifier);
        }
    }

    /** {@code ember schedule ls}: ListRules, and each rule's targets. */
    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "Lists the schedules: expression, state, next fire and targets.")
    static final class ListSchedules extends ClientCommand {
        ListSchedules(CliContext context) {
            super(context);
        }

        @Override
        int run(ControlPlaneClient client) {
            Instant now = context.clock().instant();
            var table = new TextTable().row("NAME", "SCHEDULE", "STATE", "NEXT FIRE", "TARGETS");
            for (JsonNode rule : client.listRules(null)) {
                String name = rule.path("Name").asText();
                List<String> targets = new ArrayList<>();
                try {
                    client.listTargetsByRule(name).forEach(t -> targets.add(targetName(t.path("Arn").asText())));
                } catch (LambdaApiException e) {
                    if (e.is("ResourceNotFoundException")) {
                        continue; // deleted since ListRules answered
                    }
                    throw e;
                }
                table.row(name, rule.path("ScheduleExpression").asText(), rule.path("State").asText(),
                        nextFire(rule, now), String.join(", ", targets));
            }
            table.print(out());
            return 0;
        }
    }

    /** {@code ember schedule rm}: RemoveTargets of all its targets, then DeleteRule. */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Deletes a schedule: removes its targets, then the rule.")
    static final class Remove extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The schedule's name.")
        String name;

        Remove(CliContext context) {
            super(context);
        }

        @Override
        int run(ControlPlaneClient client) {
            List<JsonNode> targets = client.listTargetsByRule(name);
            if (!targets.isEmpty()) {
                JsonNode answer = client.removeTargets(name, targets.stream().map(t -> t.path("Id").asText()).toList());
                List<String> failedIds = new ArrayList<>();
                answer.path("FailedEntries").forEach(f -> failedIds.add(f.path("TargetId").asText()));
                for (JsonNode target : targets) {
                    if (!failedIds.contains(target.path("Id").asText())) {
                        out().println("removed target " + target.path("Id").asText() + " ("
                                + target.path("Arn").asText() + ") from " + name);
                    }
                }
                out().flush();
                if (answer.path("FailedEntryCount").asInt() > 0) {
                    JsonNode failed = answer.path("FailedEntries").path(0);
                    throw new CliException("could not remove the target " + failed.path("TargetId").asText()
                            + " from " + name + ": " + failed.path("ErrorCode").asText("failed") + ": "
                            + failed.path("ErrorMessage").asText() + "; the schedule is kept");
                }
            }
            client.deleteRule(name);
            out().println("deleted schedule " + name);
            out().flush();
            return 0;
        }
    }
}
