package dev.ember.runtimeapi;

import java.util.Arrays;

/**
 * The one invocation an execution environment can have, from {@link RuntimeApiServer#deliver} until the runtime's
 * answer for it is concluded, and the runtime's wait for it in {@code GET /next}.
 *
 * <p>A POST naming the in-flight request id first {@linkplain #claim claims} it, before its body is read: only one
 * connection at a time reads a body for an invocation, so a runtime cannot make Ember hold two 6 MB bodies for the
 * same id, and two answers racing for one id cannot both reach the listener.
 */
final class InvocationSlot {

    /** An event with its wire encoding, made once in {@link #deliver}'s caller rather than on the connection. */
    record Delivery(RuntimeEvent event, byte[] requestId, byte[] head) {

        static Delivery of(RuntimeEvent event) {
            return new Delivery(event, RuntimeApiWire.ascii(event.requestId()), RuntimeApiWire.nextHead(event));
        }

        boolean hasRequestId(byte[] b, int from, int to) {
            return Arrays.equals(b, from, to, requestId, 0, requestId.length);
        }
    }

    private Delivery waiting; // delivered, not yet taken by a GET /next
    private Delivery inFlight;
    private boolean claimed;
    private boolean closed;

    /** @throws IllegalStateException when an invocation is in flight or the server is closed */
    synchronized void deliver(Delivery delivery) {
        if (closed) {
            throw new IllegalStateException("cannot deliver request %s: the Runtime API server is closed"
                    .formatted(delivery.event().requestId()));
        }
        if (inFlight != null) {
            throw new IllegalStateException("cannot deliver request %s: request %s is still in flight"
                    .formatted(delivery.event().requestId(), inFlight.event().requestId()));
        }
        inFlight = delivery;
        waiting = delivery;
        notifyAll();
    }

    /** Blocks until an event is delivered and takes it; null once the server is closed. */
    synchronized Delivery awaitNext() throws InterruptedException {
        while (waiting == null && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        Delivery next = waiting;
        waiting = null;
        return next;
    }

    /**
     * Claims the in-flight invocation for the POST whose path holds the request id {@code b[from, to)}; null when that
     * id is not in flight (another environment's, an old one, none in flight) or another POST holds the claim.
     */
    synchronized Delivery claim(byte[] b, int from, int to) {
        if (inFlight == null || claimed || closed || !inFlight.hasRequestId(b, from, to)) {
            return null;
        }
        claimed = true;
        return inFlight;
    }

    /** Gives a claim back when its POST failed before an answer (the connection broke inside the body). */
    synchronized void release(Delivery delivery) {
        if (inFlight == delivery) {
            claimed = false;
        }
    }

    /** Ends the claimed invocation; false when the server closed meanwhile, and the listener must not hear of it. */
    synchronized boolean conclude(Delivery delivery) {
        if (inFlight != delivery) {
            return false;
        }
        inFlight = null;
        claimed = false;
        if (waiting == delivery) {
            waiting = null;
        }
        return !closed;
    }

    /** Ends waits with null and refuses further deliveries. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
