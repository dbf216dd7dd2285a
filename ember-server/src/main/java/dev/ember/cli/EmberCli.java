package dev.ember.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code ./ember}: the commands that run a server or talk to one over its HTTP API.
 *
 * <p>Exit codes: 0 done, 1 failed (an API error, no server, a function error on {@code invoke}), 2 wrong usage.
 * Failures print one line, {@code ember: <what went wrong>}, on stderr; {@code --debug} adds the stack trace of
 * unexpected ones.
 */
@Command(name = "ember", mixinStandardHelpOptions = true, versionProvider = EmberVersion.class,
        description = "Ember: a self-hosted serverless platform that speaks AWS Lambda's APIs.",
        subcommands = {ServerCommand.class, DeployCommand.class, ListCommand.class, InfoCommand.class,
            InvokeCommand.class, LogsCommand.class, PublishCommand.class, AliasCommand.class, RemoveCommand.class, ConcurrencyCommand.class,
            QueueCommand.class, ScheduleCommand.class, StateCommand.class, DoctorCommand.class, TraceCommand.class,
            SimulateCommand.class, ReplayCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"",
            "Handled by the ./ember launcher itself:",
            "  test       Install what the tests need, then run the whole test suite.",
            "  build      Build without running tests.",
            "  bench      Run benchmarks (module ember-bench).",
            "",
            "Commands that talk to a server use --endpoint, else $EMBER_ENDPOINT, else http://127.0.0.1:9000."})
public final class EmberCli implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print the stack trace of unexpected errors.")
    boolean debug;

    private EmberCli() {
    }

    /** Runs one command with the process's arguments and exits with its status (0, 1 or 2). */
    public static void main(String[] args) {
        CommandLine cli = commandLine(CliContext.system());
        cli.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err),
                StandardCharsets.UTF_8), true));
        int exitCode = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(exitCode);
    }

    /** The command line of {@code ember}, its commands built with {@code context}; set out and err before use. */
    static CommandLine commandLine(CliContext context) {
        var cli = new CommandLine(new EmberCli(), new CommandFactory(context));
        cli.setUsageHelpWidth(100);
        cli.setExpandAtFiles(false); // invoke --payload @file reads the file itself
        shareVersion(cli, cli.getCommandSpec().versionProvider());
        cli.setExecutionExceptionHandler(EmberCli::onFailure);
        cli.setParameterExceptionHandler(EmberCli::onWrongUsage);
        return cli;
    }

    /** Gives every command under {@code parent}, at any depth ({@code queue ls}), the {@code --version} of ember. */
    private static void shareVersion(CommandLine parent, IVersionProvider version) {
        for (CommandLine command : parent.getSubcommands().values()) {
            command.getCommandSpec().versionProvider(version);
            shareVersion(command, version);
        }
    }

    /** Without a command: the usage on stderr, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    private static int onFailure(Exception failure, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        boolean debug = debugRequested(parsed);
        if (failure instanceof CliException) {
            err.println("ember: " + oneLine(failure.getMessage()));
        } else {
            err.println("ember: unexpected " + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + oneLine(failure.getMessage()))
                    + (debug ? "" : " (--debug shows the stack trace)"));
        }
        if (debug) {
            failure.printStackTrace(err);
        }
        err.flush();
        return command.getCommandSpec().exitCodeOnExecutionException();
    }

    private static int onWrongUsage(ParameterException wrong, String[] args) {
        CommandLine command = wrong.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("ember: " + oneLine(wrong.getMessage()));
        UnmatchedArgumentException.printSuggestions(wrong, err);
        err.println("Usage: " + command.getHelp().synopsis(0).strip());
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static boolean debugRequested(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
