package dev.ember.api;

import dev.ember.lambda.LambdaException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reading request bodies within their limits and writing JSON and Lambda errors: shared by the API's services. */
final class Exchanges {
    static final HeaderName ERROR_TYPE = HeaderNames.create("X-Amzn-ErrorType");
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Amzn-RequestId");

    private Exchanges() {
    }

    /**
     * Reads the whole body, refusing more than {@code limit} bytes without buffering them.
     *
     * @param what the operation, for the error message (e.g. {@code the InvokeFunction operation})
     * @throws LambdaException RequestTooLargeException beyond the limit
     */
    static byte[] body(ServerRequest request, int limit, String what) {
        long declared = request.headers().contentLength().orElse(-1L);
        if (declared > limit) {
            throw tooLarge(limit, what);
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                in.transferTo(OutputStream.nullOutputStream()); // keeps the connection usable
                throw tooLarge(limit, what);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LambdaException tooLarge(int limit, String what) {
        return LambdaException.tooLarge("Request must be smaller than %d bytes for %s", limit, what);
    }

    static void sendJson(ServerResponse response, Status status, byte[] json) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(json);
    }

    static void sendJson(ServerResponse response, Status status, Object value) {
        sendJson(response, status, LambdaWire.write(value));
    }

    /** Writes a Lambda error: status, {@code X-Amzn-ErrorType}, and {@code {"Type","Message",...}}. */
    static void sendError(ServerResponse response, LambdaException error) {
        var body = LambdaWire.MAPPER.createObjectNode();
        body.put("Type", error.type().kind());
        body.put("Message", error.getMessage());
        error.extraFields().forEach(body::put);
        response.header(ERROR_TYPE, error.type().wireName());
        if (error.retryAfterSeconds() > 0) {
            response.header(HeaderNames.RETRY_AFTER, Integer.toString(error.retryAfterSeconds()));
        }
        sendJson(response, Status.create(error.type().status()), body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
