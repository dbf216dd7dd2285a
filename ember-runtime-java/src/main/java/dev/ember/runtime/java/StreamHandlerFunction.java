package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** A {@link RequestStreamHandler}: the raw event in, whatever it writes out. No JSON involved. */
final class StreamHandlerFunction implements FunctionHandler {

    private final RequestStreamHandler handler;

    StreamHandlerFunction(RequestStreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public byte[] handle(byte[] event, Context context) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream(1024);
        handler.handleRequest(new ByteArrayInputStream(event), output, context);
        return output.toByteArray();
    }
}
