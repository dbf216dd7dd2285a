package dev.ember.runtime.java;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The runtime's side of the Lambda Runtime API, version 2018-06-01.
 *
 * <p>A rejected {@code POST} (for example 413 for a response over the payload limit) is reported on stderr and
 * otherwise ignored: the platform has already failed that invocation, and the runtime goes on to the next one.
 * Losing the connection altogether is an {@link IOException}.
 */
final class RuntimeApiClient implements Closeable {

    private static final String BASE = "/2018-06-01/runtime";
    private static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";

    private final HttpConnection http;
    private final PrintStream diagnostics;

    RuntimeApiClient(HttpConnection http, PrintStream diagnostics) {
        this.http = http;
        this.diagnostics = diagnostics;
    }

    /** Blocks until the platform hands out the next event. */
    Invocation next() throws IOException {
        HttpConnection.Response response = http.get(BASE + "/invocation/next");
        if (response.status() != 200) {
            throw new IOException("GET " + BASE + "/invocation/next answered " + response.status() + ": "
                    + response.bodyText());
        }
        String requestId = response.header("Lambda-Runtime-Aws-Request-Id");
        if (requestId == null || requestId.isEmpty()) {
            throw new IOException("GET " + BASE + "/invocation/next answered without Lambda-Runtime-Aws-Request-Id");
        }
        return new Invocation(
                requestId,
                parseDeadline(response.header("Lambda-Runtime-Deadline-Ms")),
                response.header("Lambda-Runtime-Invoked-Function-Arn"),
                response.header("Lambda-Runtime-Trace-Id"),
                response.header("Lambda-Runtime-Client-Context"),
                response.header("Lambda-Runtime-Cognito-Identity"),
                response.header("Lambda-Runtime-Aws-Tenant-Id"),
                response.body());
    }

    void respond(String requestId, byte[] body) throws IOException {
        post(BASE + "/invocation/" + requestId + "/response", body);
    }

    void reportError(String requestId, ErrorReport error) throws IOException {
        post(BASE + "/invocation/" + requestId + "/error", error.toJson(),
                ERROR_TYPE_HEADER, error.errorType(), "Content-Type", "application/json");
    }

    void reportInitError(ErrorReport error) throws IOException {
        post(BASE + "/init/error", error.toJson(),
                ERROR_TYPE_HEADER, error.errorType(), "Content-Type", "application/json");
    }

    @Override
    public void close() {
        http.close();
    }

    private void post(String path, byte[] body, String... headers) throws IOException {
        HttpConnection.Response response = http.post(path, body, headers);
        if (response.status() / 100 != 2) {
            diagnostics.println("ember-runtime-java: POST " + path + " answered " + response.status() + ": "
                    + response.bodyText());
        }
    }

    private static long parseDeadline(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
