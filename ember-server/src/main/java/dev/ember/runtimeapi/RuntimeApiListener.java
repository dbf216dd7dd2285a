package dev.ember.runtimeapi;

/**
 * What the runtime of one execution environment tells Ember through its {@link RuntimeApiServer}.
 *
 * <p>Calls come from the server's connection threads (virtual threads), possibly two at once when the runtime uses
 * several connections, so implementations must be thread-safe; they may block, which only delays that connection.
 * Each call that answers a runtime's request happens before the runtime receives the answer: when the runtime's next
 * {@code GET /next} arrives, the {@link #onResponse} or {@link #onError} of the invocation before has returned.
 * Exceptions thrown by the listener are logged and do not change what the runtime is sent.
 *
 * <p>An invocation ends with exactly one of {@link #onResponse}, {@link #onError} or {@link #onResponseTooLarge}, and
 * is no longer in flight when that call starts, so the listener may {@link RuntimeApiServer#deliver} the next event
 * from inside it. An invocation whose runtime never answers ends with none of them: timing it out is the caller's job.
 */
public interface RuntimeApiListener {

    /**
     * A {@code GET /2018-06-01/runtime/invocation/next} arrived: the runtime waits for an event. The first one means
     * the runtime finished its init; later ones follow the answer to the previous invocation. Called before the
     * request blocks, so delivering from here hands the event over at once.
     */
    void onNext();

    /**
     * The runtime posted the result of the in-flight invocation to
     * {@code POST /2018-06-01/runtime/invocation/{requestId}/response}; it is answered 202 {@code {"status":"OK"}}.
     *
     * @param body the response payload, at most 6291556 bytes
     */
    void onResponse(String requestId, byte[] body);

    /**
     * The runtime posted an error for the in-flight invocation to
     * {@code POST /2018-06-01/runtime/invocation/{requestId}/error}; it is answered 202 {@code {"status":"OK"}}.
     *
     * @param errorType the {@code Lambda-Runtime-Function-Error-Type} header, or null when the runtime sent none
     * @param body      usually {@code {"errorMessage","errorType","stackTrace"}}; its first 1 MiB when longer
     */
    void onError(String requestId, String errorType, byte[] body);

    /**
     * The runtime failed to initialize and said so at {@code POST /2018-06-01/runtime/init/error}; it is answered 202
     * {@code {"status":"OK"}}. May come at any time, in flight or not.
     *
     * @param errorType the {@code Lambda-Runtime-Function-Error-Type} header, or null when the runtime sent none
     * @param body      usually {@code {"errorMessage","errorType","stackTrace"}}; its first 1 MiB when longer
     */
    void onInitError(String errorType, byte[] body);

    /**
     * The runtime posted a response for the in-flight invocation larger than 6291556 bytes; it is answered 413. Bytes
     * past the limit are discarded as they are read, never held.
     *
     * @param size the body's length in bytes: its Content-Length, or the bytes read when it was chunked
     */
    void onResponseTooLarge(String requestId, long size);
}
