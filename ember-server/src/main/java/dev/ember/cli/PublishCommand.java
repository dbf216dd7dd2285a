package dev.ember.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ember publish}: PublishVersion; prints only the new version number, for scripts. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publishes the function's current code and settings as a new version; prints its number.")
final class PublishCommand extends FunctionCommand {
    @Option(names = "--description", paramLabel = "TEXT", description = "A description of the version.")
    String description;

    PublishCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        out().println(client.publishVersion(name, description).path("Version").asText());
        return 0;
    }
}
