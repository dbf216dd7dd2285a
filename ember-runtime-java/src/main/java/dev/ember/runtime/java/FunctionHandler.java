package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.Context;

/**
 * The function's handler, loaded and instantiated, reduced to what the invocation loop needs: event bytes in,
 * response bytes out.
 *
 * @see HandlerLoader
 */
interface FunctionHandler {

    /**
     * Runs the function once.
     *
     * @param event   the payload from {@code GET /invocation/next}
     * @param context the invocation's {@link Context}
     * @return the body to post to {@code /invocation/{id}/response}
     * @throws Throwable whatever the function threw, reported as the invocation's error
     */
    byte[] handle(byte[] event, Context context) throws Throwable;

    /** The response of a function that returns nothing, as AWS sends it. */
    static byte[] jsonNull() {
        return new byte[] {'n', 'u', 'l', 'l'};
    }
}
