package dev.ember.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The java25 function of the warm-path benchmark: answers {@code {}} and does nothing else. */
public class NoOpHandler implements RequestStreamHandler {
    private static final byte[] EMPTY = {'{', '}'};

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        output.write(EMPTY);
    }
}
