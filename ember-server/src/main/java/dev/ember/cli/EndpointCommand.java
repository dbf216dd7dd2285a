package dev.ember.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running server: its {@code --endpoint}, else {@code $EMBER_ENDPOINT}, else the default.
 * {@link ClientCommand} gives it the {@link ControlPlaneClient}; {@code ember state} uses the ember-state client.
 */
@Command
abstract class EndpointCommand implements Callable<Integer> {
    static final String DEFAULT_ENDPOINT = "http://127.0.0.1:9000";
    static final String ENDPOINT_VARIABLE = "EMBER_ENDPOINT";

    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The Ember server; default $" + ENDPOINT_VARIABLE + ", else " + DEFAULT_ENDPOINT + ".")
    String endpoint;

    final CliContext context;

    EndpointCommand(CliContext context) {
        this.context = context;
    }

    /** {@code --endpoint}, else {@code $EMBER_ENDPOINT}, else the default; must be an http(s) URL with a host. */
    URI endpointUri() {
        String given = endpoint;
        String origin = "--endpoint";
        if (given == null) {
            given = context.environment().get(ENDPOINT_VARIABLE);
            origin = ENDPOINT_VARIABLE;
        }
        if (given == null || given.isBlank()) {
            return URI.create(DEFAULT_ENDPOINT);
        }
        try {
            URI uri = new URI(given.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with what is allowed
        }
        throw new CliException(origin + " must be an http:// or https:// URL such as " + DEFAULT_ENDPOINT
                + ", was '" + given + "'");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
