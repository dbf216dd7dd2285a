package dev.ember.cli;

import picocli.CommandLine.Parameters;

/** A command about one function, named by its first parameter. */
abstract class FunctionCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
    String name;

    FunctionCommand(CliContext context) {
        super(context);
    }
}
