package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ember concurrency}: a function's reserved concurrency (Get/Put/DeleteFunctionConcurrency). */
@Command(name = "concurrency", mixinStandardHelpOptions = true,
        description = "Shows, sets (N) or removes (--delete) the function's reserved concurrency: at most N "
                + "invocations at once, kept for it alone; 0 throttles it.")
final class ConcurrencyCommand extends FunctionCommand {
    @Parameters(index = "1", arity = "0..1", paramLabel = "N", description = "The reserved concurrency to set.")
    Integer reserved;

    @Option(names = "--delete", description = "Remove the reservation: the function shares the account's pool.")
    boolean delete;

    ConcurrencyCommand(CliContext context) {
        super(context);
    }

    @Override
    int run(ControlPlaneClient client) {
        if (delete && reserved != null) {
            throw new CliException("give N or --delete, not both");
        }
        if (delete) {
            client.deleteFunctionConcurrency(name);
            out().println(name + ": no reserved concurrency (shares the account's unreserved pool)");
            return 0;
        }
        JsonNode current = reserved != null ? client.putFunctionConcurrency(name, reserved)
                : client.getFunctionConcurrency(name);
        JsonNode value = current.path("ReservedConcurrentExecutions");
        out().println(value.isMissingNode() ? name + ": no reserved concurrency (shares the account's unreserved pool)"
                : name + ": reserved concurrency " + value.asInt());
        return 0;
    }
}
