package dev.ember.cli;

/**
 * A command that talks to a running server over its Lambda and Ember HTTP APIs: a {@link ControlPlaneClient} for the
 * length of one {@link #run}.
 */
abstract class ClientCommand extends EndpointCommand {
    ClientCommand(CliContext context) {
        super(context);
    }

    /** Does the command's work; returns the exit code. */
    abstract int run(ControlPlaneClient client);

    @Override
    public final Integer call() {
        try (var client = new ControlPlaneClient(endpointUri())) {
            return run(client);
        }
    }
}
