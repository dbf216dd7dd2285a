package dev.ember.runtimeapi;

/*
 * Why not Helidon, which serves Ember's public API: an execution environment is identified by the socket its runtime
 * talks to (AWS_LAMBDA_RUNTIME_API is only host:port), so every environment needs a listener of its own, created and
 * closed with it. Helidon cannot add a listener to a running server, and starting a whole WebServer per environment
 * costs milliseconds and threads, against a budget of 20 ms per cold start at 50 and more environments a second.
 * The Runtime API is four endpoints spoken by cooperating clients (curl, urllib, libcurl, the JDK), so a small
 * HTTP/1.1 server on JDK sockets does it in microseconds per request: one virtual thread accepting, one virtual thread
 * per connection, heads parsed as bytes in place.
 */

import dev.ember.runtimeapi.InvocationSlot.Delivery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;

/**
 * The Lambda Runtime API (version 2018-06-01) for one execution environment: the runtime finds it at
 * {@code AWS_LAMBDA_RUNTIME_API=}{@link #address()}, asks {@code GET /2018-06-01/runtime/invocation/next} for work,
 * and posts the result of each event to {@code .../invocation/{requestId}/response} or {@code .../error}; the
 * {@link RuntimeApiListener} hears of each.
 *
 * <pre>{@code
 * RuntimeApiServer api = RuntimeApiServer.start(listener);
 * environment.put("AWS_LAMBDA_RUNTIME_API", api.address());   // "127.0.0.1:41234"
 * // ... start the runtime; after listener.onNext(), when there is an invocation:
 * api.deliver(new RuntimeEvent(requestId, deadline, arn, traceId, null, null, payload));
 * // ... listener.onResponse(requestId, body), then onNext() again when the runtime is ready for the next one
 * api.close();                                                  // with the environment
 * }</pre>
 *
 * <p>One invocation is in flight at a time: from {@link #deliver} until the runtime posts a response, an error, or a
 * response over 6 MB for it. Posts naming any other request id (an older one, another environment's) get 400
 * {@code InvalidRequestID} and the listener does not hear of them.
 *
 * <p>Requests under {@link RuntimeApiExtension#PREFIX} go to the {@link RuntimeApiExtension} the server was started
 * with (Ember's durable state): the listener is the environment's own, so the extension knows its caller.
 *
 * <p>A runtime is untrusted code and cannot hurt the server: request heads are capped at 64 KB (431), bodies are kept
 * only up to their limits, at most {@value #MAX_CONNECTIONS} connections are open at once (more wait to be accepted),
 * and a broken request closes its own connection only. Thread-safe.
 */
public final class RuntimeApiServer implements AutoCloseable {

    /** A runtime needs one or two; the cap bounds what a hostile one holds: per connection 64 KB plus its bodies. */
    static final int MAX_CONNECTIONS = 16;
    private static final InetAddress LOOPBACK = loopback();

    private final ServerSocketChannel server;
    private final String address;
    private final RuntimeApiListener listener;
    private final RuntimeApiExtension extension;
    /** Extension requests with a large body read at once, at most: bounds what a hostile runtime makes us hold. */
    private final Semaphore largeBodies = new Semaphore(2);
    private final InvocationSlot slot = new InvocationSlot();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore connectionPermits = new Semaphore(MAX_CONNECTIONS);
    private final Path socketFile; // a Unix domain socket's, removed on close; null for TCP
    private final ThreadFactory connectionThreads;
    private final Thread acceptor;
    private volatile boolean closed;

    private RuntimeApiServer(ServerSocketChannel server, SocketAddress bound, RuntimeApiListener listener,
                             RuntimeApiExtension extension) {
        this.server = server;
        this.listener = listener;
        this.extension = extension;
        this.socketFile = bound instanceof UnixDomainSocketAddress unix ? unix.getPath() : null;
        this.address = switch (bound) {
            case InetSocketAddress inet -> inet.getAddress().getHostAddress() + ":" + inet.getPort();
            case UnixDomainSocketAddress unix -> unix.getPath().toString();
            default -> bound.toString();
        };
        this.connectionThreads = Thread.ofVirtual().name("runtime-api " + address + " #", 0).factory();
        this.acceptor = Thread.ofVirtual().name("runtime-api " + address + " accept").unstarted(this::accept);
    }

    /**
     * Starts a Runtime API on 127.0.0.1 and a free port; it accepts connections when this returns.
     *
     * @param listener told of the runtime's requests, from the server's threads
     * @throws UncheckedIOException when no socket can be bound
     */
    public static RuntimeApiServer start(RuntimeApiListener listener) {
        return start(new InetSocketAddress(LOOPBACK, 0), listener);
    }

    /**
     * Starts a Runtime API on {@code endpoint}: an {@link InetSocketAddress} (bound in the calling thread's network
     * namespace, which may be a sandbox's own), or a {@link UnixDomainSocketAddress} for a sandbox that bridges it
     * (then {@link #address()} is the socket's path).
     */
    public static RuntimeApiServer start(SocketAddress endpoint, RuntimeApiListener listener) {
        return start(endpoint, listener, RuntimeApiExtension.NONE);
    }

    /**
     * Starts a Runtime API on {@code endpoint} that also serves {@code extension} under
     * {@link RuntimeApiExtension#PREFIX}.
     */
    public static RuntimeApiServer start(SocketAddress endpoint, RuntimeApiListener listener,
                                         RuntimeApiExtension extension) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(extension, "extension");
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open(endpoint instanceof UnixDomainSocketAddress
                    ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
            server.bind(endpoint, MAX_CONNECTIONS);
            RuntimeApiServer api = new RuntimeApiServer(server, server.getLocalAddress(), listener, extension);
            api.acceptor.start();
            return api;
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("cannot bind the Runtime API to " + endpoint, e);
            if (server != null) {
                try {
                    server.close();
                } catch (IOException suppressed) {
                    failure.addSuppressed(suppressed);
                }
            }
            throw failure;
        }
    }

    /** What the runtime gets as {@code AWS_LAMBDA_RUNTIME_API}: {@code "127.0.0.1:<port>"}. */
    public String address() {
        return address;
    }

    /**
     * Hands {@code event} to the runtime: to its pending {@code GET /next}, or to the next one to arrive. The event is
     * in flight from now until the runtime posts its response or error.
     *
     * @throws IllegalStateException when an event is in flight already, or the server is closed
     */
    public void deliver(RuntimeEvent event) {
        slot.deliver(Delivery.of(Objects.requireNonNull(event, "event")));
    }

    /**
     * Closes the listening socket (removing a Unix domain socket's file) and every connection. A pending
     * {@code GET /next} is dropped: its connection closes without a response. An event in flight is abandoned, and its
     * runtime's answer would no longer be heard. Idempotent.
     *
     * @throws UncheckedIOException when a socket failed to close; every socket was attempted
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        slot.close();
        IOException failure = null;
        try {
            server.close();
        } catch (IOException e) {
            failure = e;
        }
        // wakes an acceptor waiting for a permit; never interrupt it: an interrupt racing an accept() that just took
        // a connection makes the JDK throw ClosedByInterruptException and leak the accepted socket, open and unserved
        connectionPermits.release(MAX_CONNECTIONS);
        awaitAcceptorEnd();
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException e) {
                failure = e;
            }
        }
        for (SocketChannel connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("closing the Runtime API at " + address, failure);
        }
    }

    /**
     * The JDK closes a listening socket whose accept() a virtual thread is blocked in only when that thread leaves
     * accept(); until then connections still complete. Waiting for it makes the port closed when close() returns.
     * Connection threads are not waited for: close() may be called from a listener, on one of them.
     */
    private void awaitAcceptorEnd() {
        boolean interrupted = false;
        while (acceptor.isAlive()) {
            try {
                acceptor.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RuntimeApiServer[" + address + (closed ? ", closed]" : "]");
    }

    private void accept() {
        while (true) {
            connectionPermits.acquireUninterruptibly();
            if (closed) {
                return;
            }
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (IOException e) {
                connectionPermits.release();
                if (!closed) {
                    // out of file descriptors or similar: without a clock there is no backing off, so this
                    // environment stops taking connections; its invocations time out and it is replaced
                    System.getLogger(RuntimeApiServer.class.getName())
                            .log(System.Logger.Level.ERROR, "Runtime API at " + address + " stops accepting", e);
                }
                return;
            }
            serve(connection);
        }
    }

    private void serve(SocketChannel connection) {
        connections.add(connection);
        Runnable onClosed = () -> {
            connections.remove(connection);
            connectionPermits.release();
        };
        try {
            if (closed) { // close() may have missed it in the set
                throw new IOException("Runtime API closed");
            }
            if (socketFile == null) {
                connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            connectionThreads.newThread(new HttpConnection(connection, slot, listener, extension, largeBodies,
                    onClosed)).start();
        } catch (IOException | RuntimeException e) {
            try {
                connection.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            } finally {
                onClosed.run();
            }
        }
    }

    private static InetAddress loopback() {
        try {
            return Inet4Address.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
