package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.RuntimeApiWire.ACCEPTED;
import static dev.ember.runtimeapi.RuntimeApiWire.INVALID_REQUEST_ID;
import static dev.ember.runtimeapi.RuntimeApiWire.MAX_ERROR_BYTES;
import static dev.ember.runtimeapi.RuntimeApiWire.MAX_RESPONSE_BYTES;
import static dev.ember.runtimeapi.RuntimeApiWire.RESPONSE_TOO_LARGE;

import dev.ember.runtimeapi.InvocationSlot.Delivery;
import dev.ember.runtimeapi.RequestHead.Method;
import dev.ember.runtimeapi.RequestReader.Body;
import dev.ember.runtimeapi.RuntimeApiWire.Reply;
import dev.ember.runtimeapi.RuntimeApiWire.Route;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * One connection from a runtime, served on its own virtual thread: read a request, answer it, again while the
 * connection is kept alive. Blocking is the design: a {@code GET /next} simply waits in
 * {@link InvocationSlot#awaitNext}. Whatever goes wrong here (the client's bytes, its disconnect) ends this connection
 * and nothing else.
 *
 * <p>Listener calls that answer a request are made before the answer is written, so the runtime cannot come back with
 * its next request, perhaps on another connection, before the listener heard of this one.
 */
final class HttpConnection implements Runnable {

    private static final System.Logger LOG = System.getLogger(RuntimeApiServer.class.getName());
    /** What a closing connection reads and drops so that its last response is not lost to a reset. */
    private static final int MAX_DRAIN_BYTES = 1 << 20;

    private final SocketChannel channel;
    private final InvocationSlot slot;
    private final RuntimeApiListener listener;
    private final Runnable onClosed;
    private final RequestReader reader;
    private final RequestHead head = new RequestHead();
    private final RuntimeApiExtension extension;
    private final Semaphore largeBodies;

    /**
     * @param largeBodies permits, shared by the environment's connections, to hold an extension request's body over
     *                    {@value #SMALL_BODY_BYTES} bytes
     */
    HttpConnection(SocketChannel channel, InvocationSlot slot, RuntimeApiListener listener,
                   RuntimeApiExtension extension, Semaphore largeBodies, Runnable onClosed) {
        this.channel = channel;
        this.slot = slot;
        this.listener = listener;
        this.extension = extension;
        this.largeBodies = largeBodies;
        this.onClosed = onClosed;
        this.reader = new RequestReader(channel);
    }

    /** An extension body up to this size needs no permit: 16 connections hold 1 MB of them at most. */
    static final int SMALL_BODY_BYTES = 64 * 1024;

    @Override
    public void run() {
        try {
            while (serve()) {
                // keep-alive: the next request on this connection
            }
        } catch (HttpProtocolException e) {
            try {
                write(e.reply().close());
            } catch (IOException ignored) {
                // the client is gone already: nothing to tell it
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Runtime API connection ended: {0}", e.toString());
        } finally {
            closeGracefully();
            onClosed.run();
        }
    }

    /** Serves one request; true when the connection stays open for another. */
    private boolean serve() throws IOException {
        if (!reader.readHead(head)) {
            return false;
        }
        if (extension != RuntimeApiExtension.NONE && startsWith(RuntimeApiWire.EXTENSION_PREFIX)) {
            return extension();
        }
        if (head.method != Method.GET && head.method != Method.POST) {
            return reject(RuntimeApiWire.UNKNOWN_METHOD);
        }
        Route route = Route.of(head.bytes, head.pathFrom, head.pathTo);
        return switch (route) {
            case NEXT -> head.method == Method.GET ? next() : reject(RuntimeApiWire.NEXT_TAKES_GET);
            case RESPONSE, ERROR, INIT_ERROR -> head.method == Method.POST ? post(route)
                    : reject(RuntimeApiWire.TAKES_POST);
            case UNKNOWN -> reject(RuntimeApiWire.NOT_FOUND);
        };
    }

    private boolean next() throws IOException {
        receiveBody(0); // a GET has none; one sent anyway is skipped to keep the framing
        boolean closing = head.closing;
        tell(listener::onNext);
        Delivery delivery;
        try {
            delivery = slot.awaitNext();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (delivery == null) {
            return false; // the server closed: the GET is dropped with the connection
        }
        ByteBuffer[] response = {
                ByteBuffer.wrap(delivery.head()),
                ByteBuffer.wrap(closing ? RuntimeApiWire.CLOSE_AND_END_OF_HEAD : RuntimeApiWire.END_OF_HEAD),
                ByteBuffer.wrap(delivery.event().payload())};
        do {
            channel.write(response);
        } while (response[0].hasRemaining() || response[1].hasRemaining() || response[2].hasRemaining());
        return !closing;
    }

    private boolean post(Route route) throws IOException {
        String errorType = head.errorType;
        if (route == Route.INIT_ERROR) {
            Body body = receiveBody(MAX_ERROR_BYTES);
            tell(() -> listener.onInitError(errorType, body.kept()));
            return reply(ACCEPTED);
        }
        Delivery claimed = slot.claim(head.bytes, Route.idFrom(head.pathFrom), route.idTo(head.pathTo));
        if (claimed == null) {
            return reject(INVALID_REQUEST_ID);
        }
        boolean concluded = false;
        try {
            boolean knownTooLarge = route == Route.RESPONSE && head.contentLength > MAX_RESPONSE_BYTES;
            // a client waiting for 100 Continue has not sent the body: tell it 413 now rather than invite 6 MB+
            boolean unread = knownTooLarge && head.expectContinue;
            Body body = unread ? null : receiveBody(knownTooLarge ? 0 : keepLimit(route));
            long size = unread ? head.contentLength : body.size();
            concluded = true;
            if (!slot.conclude(claimed)) {
                return false; // the server closed while the body was read
            }
            String requestId = claimed.event().requestId();
            if (route == Route.ERROR) {
                tell(() -> listener.onError(requestId, errorType, body.kept()));
                return reply(ACCEPTED);
            }
            if (size > MAX_RESPONSE_BYTES) {
                tell(() -> listener.onResponseTooLarge(requestId, size));
                if (unread) {
                    write(RESPONSE_TOO_LARGE.close());
                    return false;
                }
                return reply(RESPONSE_TOO_LARGE);
            }
            tell(() -> listener.onResponse(requestId, body.kept()));
            return reply(ACCEPTED);
        } finally {
            if (!concluded) {
                slot.release(claimed);
            }
        }
    }

    private boolean startsWith(byte[] prefix) {
        return head.pathTo - head.pathFrom >= prefix.length
                && Arrays.equals(head.bytes, head.pathFrom, head.pathFrom + prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Hands a request under {@link RuntimeApiExtension#PREFIX} to the extension. A body over
     * {@value #SMALL_BODY_BYTES} bytes waits for a permit before it is read, so what a hostile runtime makes the
     * server hold is bounded by the permits, not by its connections.
     */
    private boolean extension() throws IOException {
        String path = new String(head.bytes, head.pathFrom, head.pathTo - head.pathFrom, StandardCharsets.US_ASCII);
        String query = head.targetTo > head.pathTo && head.bytes[head.pathTo] == '?'
                ? new String(head.bytes, head.pathTo + 1, head.targetTo - head.pathTo - 1, StandardCharsets.US_ASCII)
                : "";
        String method = head.method.name();
        Map<String, String> headers = head.extensionHeaders == null ? Map.of() : head.extensionHeaders;
        boolean large = head.chunked || head.contentLength > SMALL_BODY_BYTES;
        int keep = head.contentLength > extension.maxBodyBytes() ? 0 : extension.maxBodyBytes();
        RuntimeApiExtension.Response response;
        if (large) {
            largeBodies.acquireUninterruptibly();
        }
        try {
            Body body = receiveBody(keep); // a broken body is the runtime's failure: it closes the connection
            try {
                response = extension.serve(new RuntimeApiExtension.Request(method, path, query, headers,
                        body.kept(), body.size()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Runtime API extension failed on " + method + " " + path, e);
                return reply(RuntimeApiWire.EXTENSION_FAILED);
            }
        } finally {
            if (large) {
                largeBodies.release();
            }
        }
        if (response == null) {
            return reply(RuntimeApiWire.NOT_FOUND);
        }
        byte[][] parts = RuntimeApiWire.extensionResponse(response, head.closing);
        ByteBuffer[] buffers = {ByteBuffer.wrap(parts[0]), ByteBuffer.wrap(parts[1])};
        do {
            channel.write(buffers);
        } while (buffers[0].hasRemaining() || buffers[1].hasRemaining());
        return !head.closing;
    }

    private static int keepLimit(Route route) {
        return route == Route.RESPONSE ? MAX_RESPONSE_BYTES : MAX_ERROR_BYTES;
    }

    private Body receiveBody(int keep) throws IOException {
        if (head.expectContinue && head.hasBody()) {
            write(RuntimeApiWire.CONTINUE);
        }
        return reader.readBody(head, keep);
    }

    /** Answers with an error; a body the client waits to send on 100 Continue is declined by closing. */
    private boolean reject(Reply reply) throws IOException {
        if (head.expectContinue && head.hasBody()) {
            write(reply.close());
            return false;
        }
        reader.readBody(head, 0);
        return reply(reply);
    }

    private boolean reply(Reply reply) throws IOException {
        write(reply.bytes(head.closing));
        return !head.closing;
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The listener's failure is Ember's bug, not the runtime's: logged, and the runtime is answered as usual. */
    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Runtime API listener failed", e);
        }
    }

    /**
     * Closing a socket with unread input makes the kernel send a reset, which can destroy the response the client has
     * not read yet; so the output is shut first and what the client already sent is read and dropped.
     */
    private void closeGracefully() {
        try (channel) {
            channel.shutdownOutput();
            channel.configureBlocking(false);
            ByteBuffer sink = ByteBuffer.allocate(8192);
            for (int drained = 0, n; drained < MAX_DRAIN_BYTES && (n = channel.read(sink.clear())) > 0; ) {
                drained += n;
            }
        } catch (IOException e) {
            // closed by the server, or reset by the client: closed either way
        }
    }
}
