package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ember invoke}: a RequestResponse Invoke. The function's result goes to stdout exactly as it came, so it can
 * be piped; everything else goes to stderr. With {@code --async} an Event Invoke, whose request id alone goes to
 * stdout, so that a script can keep it ({@code id=$(ember invoke fn --async)}) and look for it in logs and queues.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Invokes a function and prints its result.",
            "Exits with 1 when the function fails (the error document is still printed).",
            "With --async queues the event instead and prints its request id: the function runs later, with "
                    + "retries; failed events end in a destination or dead-letter queue (see ember queue)."})
final class InvokeCommand extends FunctionCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--payload", paramLabel = "JSON|@FILE", defaultValue = "{}",
            description = "The event, or @file to read it from a file (default: ${DEFAULT-VALUE}).")
    String payload;

    @Option(names = "--qualifier", paramLabel = "VERSION|ALIAS", description = "Invoke this version or alias.")
    String qualifier;

    @Option(names = "--log", description = "Print the tail of the invocation's log on stderr.")
    boolean log;

    @Option(names = "--async", description = "Queue the event (an Event invocation) and print its request id.")
    boolean async;

    InvokeCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        if (async) {
            return queueEvent(client);
        }
        ControlPlaneClient.Invocation invocation = client.invoke(name, qualifier, payloadBytes(), log);
        invocation.log().ifPresent(tail -> {
            err().print(tail.endsWith("\n") || tail.isEmpty() ? tail : tail + "\n");
            err().flush();
        });
        String result = new String(invocation.payload(), StandardCharsets.UTF_8);
        out().print(result.isEmpty() || result.endsWith("\n") ? result : result + "\n");
        out().flush();
        if (invocation.error().isPresent()) {
            err().println("ember: " + name + " failed (" + invocation.error().get() + ")" + errorSummary(result));
            return 1;
        }
        return 0;
    }

    private int queueEvent(ControlPlaneClient client) {
        if (log) {
            // Wrong usage rather than a failure: the log of an event does not exist yet when the server accepts it.
            throw new ParameterException(spec.commandLine(), "--log cannot go with --async: the function runs after "
                    + "the event is queued; read its log with 'ember logs " + name + "'");
        }
        out().println(client.invokeAsync(name, qualifier, payloadBytes()));
        out().flush();
        return 0;
    }

    private byte[] payloadBytes() {
        if (!payload.startsWith("@")) {
            return payload.getBytes(StandardCharsets.UTF_8);
        }
        Path file = Path.of(payload.substring(1));
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException("cannot read --payload file " + file + ": "
                    + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()), e);
        }
    }

    /** {@code : errorType: errorMessage} of a Lambda error document, or nothing when the result is not one. */
    private static String errorSummary(String result) {
        try {
            JsonNode error = JSON.readTree(result);
            if (error != null && error.hasNonNull("errorMessage")) {
                String type = error.path("errorType").asText("");
                return ": " + (type.isEmpty() ? "" : type + ": ") + error.get("errorMessage").asText()
                        .replaceAll("\\s*\\R\\s*", " ");
            }
        } catch (IOException notJson) {
            // the result is printed on stdout anyway
        }
        return "";
    }
}
