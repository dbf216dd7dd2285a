package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ember ls}: ListFunctions, every page, as a table. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "Lists the functions.")
final class ListCommand extends ClientCommand {
    @Option(names = "--all-versions", description = "Also list every published version, not only $LATEST.")
    boolean allVersions;

    ListCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        var table = new TextTable().row("NAME", "RUNTIME", "MEMORY", "TIMEOUT", "VERSION", "LAST-MODIFIED");
        for (JsonNode function : client.listFunctions(allVersions)) {
            table.row(function.path("FunctionName").asText(),
                    function.path("Runtime").asText(),
                    function.path("MemorySize").asInt() + "MB",
                    function.path("Timeout").asInt() + "s",
                    function.path("Version").asText(),
                    function.path("LastModified").asText());
        }
        table.print(out());
        return 0;
    }
}
