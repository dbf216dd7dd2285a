package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ember deploy}: CreateFunction when the function is new, else UpdateFunctionCode and then
 * UpdateFunctionConfiguration with the settings given; optionally PublishVersion.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Creates a function, or updates the code and the given settings of an existing one.",
            "A directory is zipped (executable bits kept); a .zip or .jar is uploaded as it is."})
final class DeployCommand extends FunctionCommand {
    @Option(names = "--code", required = true, paramLabel = "DIR|ZIP|JAR", description = "The deployment package.")
    Path code;

    @Option(names = "--runtime", paramLabel = "RUNTIME",
            description = "java25, java21, provided.al2023, provided.al2 or provided; required to create.")
    String runtime;

    @Option(names = "--handler", paramLabel = "HANDLER",
            description = "e.g. example.Hello::handleRequest, or the bootstrap's own name; required to create.")
    String handler;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory size in MB (server default 128).")
    Integer memory;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Timeout in seconds (server default 3).")
    Integer timeout;

    @Option(names = "--env", paramLabel = "KEY=VALUE",
            description = "An environment variable; repeat for more. Replaces all the function's variables.")
    Map<String, String> environment;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description of the function.")
    String description;

    @Option(names = "--publish", description = "Publish a version once the code and settings are in place.")
    boolean publish;

    DeployCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        CodeArchive archive = CodeArchive.of(code);
        var settings = new FunctionSettings(runtime, handler, memory, timeout,
                environment == null ? null : new LinkedHashMap<>(environment), description);
        UploadProgress progress = context.stderrTerminal() ? UploadProgress.terminalLine(err()) : UploadProgress.none();
        JsonNode result;
        String what;
        if (client.findFunction(name).isEmpty()) {
            requireForCreate(runtime, "--runtime");
            requireForCreate(handler, "--handler");
            result = client.createFunction(name, settings, archive.zip(), publish, progress);
            what = "created " + name;
        } else {
            result = client.updateFunctionCode(name, archive.zip(), progress);
            if (!settings.isEmpty()) {
                result = client.updateFunctionConfiguration(name, settings);
            }
            what = "updated " + name;
            if (publish) {
                result = client.publishVersion(name, null);
            }
        }
        if (publish) {
            what += ", published version " + result.path("Version").asText();
        }
        out().println(what + " from " + archive.source());
        long size = result.path("CodeSize").asLong();
        new TextTable("  ")
                .row("arn", result.path("FunctionArn").asText())
                .row("version", result.path("Version").asText())
                .row("sha256", result.path("CodeSha256").asText())
                .row("size", Human.bytes(size) + " (" + size + " bytes)")
                .print(out());
        return 0;
    }

    private void requireForCreate(String value, String option) {
        if (value == null) {
            throw new CliException(option + " is needed to create the function " + name + ", which does not exist yet"
                    + " at " + endpointUri());
        }
    }
}
