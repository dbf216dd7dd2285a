package dev.ember.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ember rm}: DeleteFunction. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Deletes a function with all its versions and aliases, or one version with --qualifier.")
final class RemoveCommand extends FunctionCommand {
    @Option(names = "--qualifier", paramLabel = "VERSION", description = "Delete only this published version.")
    String qualifier;

    RemoveCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        client.deleteFunction(name, qualifier);
        out().println("deleted " + name + (qualifier == null ? "" : ":" + qualifier));
        return 0;
    }
}
