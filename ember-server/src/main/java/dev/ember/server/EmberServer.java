package dev.ember.server;

import java.net.URI;

/**
 * A running Ember platform: the HTTP API (control plane and Invoke API) over the embedded store and the
 * execution environments. Start with {@link #start(ServerOptions)}; {@link #close()} stops it and every environment.
 */
public final class EmberServer implements AutoCloseable {
    private final int port;
    private final String host;

    private EmberServer(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Starts a server; returns once it accepts requests. */
    public static EmberServer start(ServerOptions options) {
        throw new UnsupportedOperationException("not yet wired");
    }

    /** The port the HTTP API listens on. */
    public int port() {
        return port;
    }

    /** The base URI of the HTTP API, e.g. {@code http://127.0.0.1:9000}. */
    public URI endpoint() {
        return URI.create("http://" + host + ':' + port);
    }

    /** Blocks until the server is closed (e.g. by a shutdown hook). */
    public void awaitShutdown() throws InterruptedException {
        throw new UnsupportedOperationException("not yet wired");
    }

    @Override
    public void close() {
    }
}
