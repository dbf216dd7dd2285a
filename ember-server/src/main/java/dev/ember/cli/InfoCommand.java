package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code ember info}: GetFunction, ListVersionsByFunction and ListAliases, with Ember's scaling and asynchronous
 * invocation reports, as one report of titled sections.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows a function's configuration, versions, aliases, scaling and event backlog.")
final class InfoCommand extends FunctionCommand {
    InfoCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        List<InfoSection> sections = sections(client);
        for (int i = 0; i < sections.size(); i++) {
            if (i > 0) {
                out().println();
            }
            out().println(sections.get(i).title());
            sections.get(i).printBody(out());
        }
        out().flush();
        return 0;
    }

    /** The report's sections, each from the API calls it needs. */
    List<InfoSection> sections(ControlPlaneClient client) {
        JsonNode configuration = client.getFunction(name).path("Configuration");
        List<InfoSection> sections = new ArrayList<>();
        sections.add(new Configuration(configuration));
        sections.add(new Versions(client.listVersions(name)));
        sections.add(new Aliases(client.listAliases(name)));
        sections.add(new Scaling(client.getScaling(name), client.getFunctionConcurrency(name),
                client.listProvisionedConcurrency(name)));
        // A server from before asynchronous invocation has no report of it: the rest of the report still holds.
        client.findAsyncInvocations(name).ifPresent(report -> sections.add(
                new AsynchronousInvocations(report, configuration, context.clock().instant())));
        return sections;
    }

    /** The FunctionConfiguration of {@code $LATEST}; of the environment only the variables' names. */
    record Configuration(JsonNode function) implements InfoSection {
        @Override
        public String title() {
            return function.path("FunctionName").asText();
        }

        @Override
        public void printBody(PrintWriter out) {
            List<String> variables = new ArrayList<>();
            function.path("Environment").path("Variables").properties()
                    .forEach(variable -> variables.add(variable.getKey()));
            long size = function.path("CodeSize").asLong();
            var table = new TextTable("  ")
                    .row("arn", function.path("FunctionArn").asText())
                    .row("runtime", function.path("Runtime").asText())
                    .row("handler", function.path("Handler").asText())
                    .row("memory", function.path("MemorySize").asInt() + " MB")
                    .row("timeout", function.path("Timeout").asInt() + " s")
                    .row("code", "sha256 " + function.path("CodeSha256").asText() + ", " + Human.bytes(size)
                            + " (" + size + " bytes)")
                    .row("revision", function.path("RevisionId").asText())
                    .row("environment", variables.isEmpty() ? "none" : String.join(", ", variables))
                    .row("state", function.path("State").asText())
                    .row("last modified", function.path("LastModified").asText());
            if (!function.path("Description").asText().isEmpty()) {
                table.row("description", function.path("Description").asText());
            }
            table.print(out);
        }
    }

    /** {@code $LATEST} and the published versions. */
    record Versions(List<JsonNode> versions) implements InfoSection {
        @Override
        public String title() {
            return "versions";
        }

        @Override
        public void printBody(PrintWriter out) {
            var table = new TextTable("  ").row("VERSION", "CODE-SHA256", "LAST-MODIFIED", "DESCRIPTION");
            for (JsonNode version : versions) {
                table.row(version.path("Version").asText(), version.path("CodeSha256").asText(),
                        version.path("LastModified").asText(), version.path("Description").asText());
            }
            table.print(out);
        }
    }

    /** The aliases and how each splits its traffic. */
    record Aliases(List<JsonNode> aliases) implements InfoSection {
        @Override
        public String title() {
            return "aliases";
        }

        @Override
        public void printBody(PrintWriter out) {
            if (aliases.isEmpty()) {
                out.println("  none");
                return;
            }
            var table = new TextTable("  ").row("ALIAS", "ROUTING");
            for (JsonNode alias : aliases) {
                table.row(alias.path("Name").asText(), AliasCommand.routing(alias));
            }
            table.print(out);
        }
    }

    /**
     * What the scaling policy does with {@code $LATEST} now, the function's reserved concurrency, and its provisioned
     * concurrency per version or alias.
     */
    record Scaling(JsonNode report, JsonNode concurrency, List<JsonNode> provisioned) implements InfoSection {
        @Override
        public String title() {
            return "scaling";
        }

        @Override
        public void printBody(PrintWriter out) {
            JsonNode reserved = concurrency.path("ReservedConcurrentExecutions");
            var table = new TextTable("  ")
                    .row("policy", report.path("Policy").asText())
                    .row("environments", report.path("Running").asInt() + " busy, " + report.path("Idle").asInt()
                            + " idle, " + report.path("PlannedPrewarms").asInt() + " planned"
                            + (report.has("NextPrewarm") ? " (next " + report.path("NextPrewarm").asText() + ")" : ""))
                    .row("decision", report.path("Explanation").asText())
                    .row("reserved", reserved.isMissingNode() ? "none" : reserved.asText())
                    .row("provisioned", provisioned.isEmpty() ? "none" : provisioned.stream()
                            .map(c -> "%s: %d of %d %s".formatted(qualifier(c.path("FunctionArn").asText()),
                                    c.path("AllocatedProvisionedConcurrentExecutions").asInt(),
                                    c.path("RequestedProvisionedConcurrentExecutions").asInt(),
                                    c.path("Status").asText()))
                            .collect(Collectors.joining(", ")));
            if (report.has("NextScheduledCall")) {
                table.row("next timer", report.path("NextScheduledCall").asText() + " (a schedule's fire)");
            }
            if (report.has("IdleMbSeconds")) {
                table.row("idle memory", Human.decimal(Math.round(report.path("IdleMbSeconds").asDouble() / 6) / 10.0)
                        + " MB·min since the server started");
            }
            if (report.has("StemCells")) { // not for functions with outbound network
                table.row("stem cells", stemCells(report.path("StemCells")));
            }
            if (report.has("AotCache")) { // Java functions, once started
                table.row("AOT cache", report.path("AotCache").asText());
            }
            table.print(out);
        }

        /** The stem cells its cold starts draw on, with what they cost while idle. */
        private static String stemCells(JsonNode cells) {
            return "%s: %d booted, %d booting, %d wanted; %d MB held, %d MB resident; served %d of %d cold starts; %s"
                    .formatted(cells.path("Kind").asText(), cells.path("Booted").asInt(),
                            cells.path("Booting").asInt(), cells.path("Target").asInt(), cells.path("HeldMb").asLong(),
                            cells.path("ResidentMb").asLong(), cells.path("Served").asLong(),
                            cells.path("ColdStarts").asLong(), cells.path("Explanation").asText());
        }

        private static String qualifier(String arn) {
            return arn.substring(arn.lastIndexOf(':') + 1);
        }
    }
}
