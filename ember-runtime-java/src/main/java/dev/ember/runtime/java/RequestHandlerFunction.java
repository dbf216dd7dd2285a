package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** A {@link RequestHandler}: the event read as its input type, the result written as JSON. */
final class RequestHandlerFunction implements FunctionHandler {

    private final RequestHandler<Object, Object> handler;
    private final JsonCodec codec;

    RequestHandlerFunction(RequestHandler<Object, Object> handler, JsonCodec codec) {
        this.handler = handler;
        this.codec = codec;
    }

    @Override
    public byte[] handle(byte[] event, Context context) {
        Object result = handler.handleRequest(codec.readEvent(event), context);
        return codec.writeResult(result);
    }
}
