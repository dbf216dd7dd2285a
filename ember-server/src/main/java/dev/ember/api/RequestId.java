package dev.ember.api;

import io.helidon.webserver.http.ServerRequest;
import java.util.UUID;

/**
 * The id of one API request, made once when it arrives: sent back as {@code X-Amzn-RequestId}, used as the
 * invocation's request id by Invoke (as on AWS, where the two are the same), and named in server-side incidents.
 */
record RequestId(String value) {

    static RequestId create() {
        return new RequestId(UUID.randomUUID().toString());
    }

    /** The id the API's filter registered for {@code request}. */
    static String of(ServerRequest request) {
        return request.context().get(RequestId.class).orElseThrow(
                () -> new IllegalStateException("no request id: the API filter did not run")).value();
    }
}
