package dev.ember.runtimeapi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Ember's own endpoints for functions, served on an environment's Runtime API listener beside Lambda's: every request
 * whose path starts with {@value #PREFIX} is handed to the extension the {@link RuntimeApiServer} was started with.
 * The listener is the environment's own, so an extension made for one environment knows who is calling.
 *
 * <pre>{@code
 * RuntimeApiExtension state = request -> new RuntimeApiExtension.Response(200, List.of(), "{}".getBytes());
 * RuntimeApiServer api = RuntimeApiServer.start(address, listener, state);
 * }</pre>
 *
 * <p>The caller is a function's runtime: untrusted code. The server bounds what it reads (heads 64 KB, bodies
 * {@link #maxBodyBytes()}, a few large bodies at a time per environment); the extension must check everything else.
 * Called on the connection's virtual thread; it may block, which delays only that connection.
 */
@FunctionalInterface
public interface RuntimeApiExtension {

    /** The path prefix of requests an extension gets. */
    String PREFIX = "/ember/";

    /** No extension: paths under {@value #PREFIX} are unknown, as any other path. */
    RuntimeApiExtension NONE = new RuntimeApiExtension() {
        @Override
        public Response serve(Request request) {
            return null;
        }

        @Override
        public int maxBodyBytes() {
            return 0;
        }
    };

    /**
     * Answers one request.
     *
     * @return the response; null to answer as for an unknown path
     */
    Response serve(Request request);

    /** The longest body kept for {@link Request#body()}; bytes past it are read and dropped, only counted. */
    default int maxBodyBytes() {
        return 4 << 20;
    }

    /**
     * One request.
     *
     * @param method   {@code GET}, {@code POST}, {@code PUT}, {@code DELETE}, or {@code OTHER} for any other
     * @param path     the path as sent, still percent-encoded, without the query
     * @param query    the query as sent (after {@code ?}), or {@code ""}
     * @param headers  the headers named {@code x-ember-*}, {@code if-match} and {@code if-none-match}, by lower-case
     *                 name (others are not kept)
     * @param body     the body; empty when its declared length is over {@link #maxBodyBytes()}, the first
     *                 {@link #maxBodyBytes()} bytes when a chunked one runs over
     * @param bodySize the body's whole length; larger than {@code body.length} when it was cut
     */
    record Request(String method, String path, String query, Map<String, String> headers, byte[] body,
                   long bodySize) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(query, "query");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }

        /** The header {@code name} (lower case), or null. */
        public String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * One response; JSON unless a header says otherwise. A 204 is sent without a body.
     *
     * @param headers extra headers, each {@code {name, value}}, values without CR or LF
     */
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        public Response {
            headers = List.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }
    }
}
