package dev.ember.cli;

import dev.ember.async.AsyncInvocations;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ember server}: runs the platform in this process until it is stopped (Ctrl-C or SIGTERM). */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Starts the Ember server and runs it until Ctrl-C.")
final class ServerCommand implements Callable<Integer> {
    private static final ServerOptions DEFAULTS = ServerOptions.defaults();
    /** Held so the level set on it is not lost when an unreferenced logger is collected. */
    private static final Logger HELIDON_LOGGER = Logger.getLogger("io.helidon");

    @Option(names = "--port", paramLabel = "N", description = "The HTTP API's port; 0 picks a free one"
            + " (default: ${DEFAULT-VALUE}).")
    int port = DEFAULTS.port();

    @Option(names = "--host", paramLabel = "H", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    String host = DEFAULTS.host();

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where functions, code and logs are kept (default: ${DEFAULT-VALUE}).")
    Path dataDir = DEFAULTS.dataDir();

    @Option(names = "--concurrency-limit", paramLabel = "N",
            description = "In-flight invocations across all functions (default: ${DEFAULT-VALUE}).")
    int concurrencyLimit = DEFAULTS.concurrencyLimit();

    @Option(names = "--async-backlog", paramLabel = "N", description = "Asynchronous events queued or running, of all"
            + " functions, at most; beyond it Event invocations get 429 (default: ${DEFAULT-VALUE}).")
    int asyncBacklog = DEFAULTS.asyncLimits().backlogTotal();

    @Option(names = "--async-backlog-per-function", paramLabel = "N", description = "Asynchronous events of one"
            + " function queued or running, at most (default: ${DEFAULT-VALUE}).")
    int asyncBacklogPerFunction = DEFAULTS.asyncLimits().backlogPerFunction();

    /** How environments are isolated. */
    enum IsolationChoice { sandbox, none }

    @Option(names = "--policy", paramLabel = "NAME", description = "Scaling policy: ember (learns each function's"
            + " arrivals and concurrency), hybrid (Shahrad et al. 2020), greedy-dual (FaasCache 2021) or fixed"
            + " (10 minutes). A function may name its own in its environment variable EMBER_POLICY."
            + " Default: ${DEFAULT-VALUE}.")
    String policy = DEFAULTS.policy();

    @Option(names = "--memory-budget", paramLabel = "SIZE", description = "The memory all environments together may"
            + " hold, counted by their MemorySize, e.g. 16g or 8192m (default: three quarters of this host's memory).")
    String memoryBudget;

    @Option(names = "--isolation", paramLabel = "MODE", description = "sandbox: everything this host offers"
            + " (./ember doctor shows what), none: plain child processes (default: ${DEFAULT-VALUE}).")
    IsolationChoice isolation = IsolationChoice.sandbox;

    @Override
    public Integer call() throws InterruptedException {
        quietLogging();
        EmberServer server;
        try {
            server = EmberServer.start(options());
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ember-shutdown"));
        server.awaitShutdown();
        return 0;
    }

    /**
     * One line per event, with a UTC timestamp; Helidon's own start-up chatter only when something is wrong, so
     * the server's first line says where it listens.
     */
    private static void quietLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
            LogManager.getLogManager().reset();
            var handler = new ConsoleHandler();
            handler.setFormatter(new SimpleFormatter());
            Logger root = Logger.getLogger("");
            root.addHandler(handler);
            HELIDON_LOGGER.setLevel(Level.WARNING);
        }
    }

    /** The server's options: the defaults with what was given. */
    ServerOptions options() {
        try {
            return DEFAULTS.withHost(host).withPort(port).withDataDir(dataDir)
                    .withConcurrencyLimit(concurrencyLimit).withSandbox(isolation == IsolationChoice.sandbox)
                    .withPolicy(policy)
                    .withAsyncLimits(new AsyncInvocations.Limits(asyncBacklogPerFunction, asyncBacklog,
                            DEFAULTS.asyncLimits().runningPerFunction()))
                    .withMemoryBudgetMb(memoryBudget == null ? 0 : MemorySizes.megabytes(memoryBudget, "--memory-budget"));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
