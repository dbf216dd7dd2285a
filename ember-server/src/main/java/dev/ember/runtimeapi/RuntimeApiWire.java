package dev.ember.runtimeapi;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

/**
 * The Runtime API (version 2018-06-01) as bytes: its paths, limits and every reply Ember sends, so the connection code
 * reads as routing. Replies are encoded once, here; only the {@code GET /next} head depends on the event.
 */
final class RuntimeApiWire {

    /** Lambda's limit for a synchronous response payload. */
    static final int MAX_RESPONSE_BYTES = 6_291_556;
    /** What Ember keeps of an error or init error body. */
    static final int MAX_ERROR_BYTES = 1 << 20;
    /** Request line and headers together, blank line included; larger gets 431. */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    static final byte[] END_OF_HEAD = ascii("\r\n");
    static final byte[] CLOSE_AND_END_OF_HEAD = ascii("Connection: close\r\n\r\n");

    static final Reply ACCEPTED = Reply.json(202, "Accepted", "", "{\"status\":\"OK\"}");
    static final Reply INVALID_REQUEST_ID = Reply.json(400, "Bad Request", "",
            "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
    static final Reply RESPONSE_TOO_LARGE = Reply.json(413, "Request Entity Too Large", "",
            "{\"errorMessage\":\"Exceeded maximum allowed payload size (" + MAX_RESPONSE_BYTES + " bytes).\","
                    + "\"errorType\":\"RequestEntityTooLarge\"}");
    static final Reply NOT_FOUND = Reply.json(404, "Not Found", "",
            "{\"errorMessage\":\"Not found: the Runtime API serves GET /2018-06-01/runtime/invocation/next,"
                    + " POST /2018-06-01/runtime/invocation/{requestId}/response,"
                    + " POST /2018-06-01/runtime/invocation/{requestId}/error"
                    + " and POST /2018-06-01/runtime/init/error\",\"errorType\":\"NotFound\"}");
    static final Reply NEXT_TAKES_GET = Reply.json(405, "Method Not Allowed", "Allow: GET\r\n",
            "{\"errorMessage\":\"Method not allowed: /2018-06-01/runtime/invocation/next takes GET\","
                    + "\"errorType\":\"MethodNotAllowed\"}");
    static final Reply TAKES_POST = Reply.json(405, "Method Not Allowed", "Allow: POST\r\n",
            "{\"errorMessage\":\"Method not allowed: responses and errors are sent with POST\","
                    + "\"errorType\":\"MethodNotAllowed\"}");
    static final Reply UNKNOWN_METHOD = Reply.json(405, "Method Not Allowed", "Allow: GET, POST\r\n",
            "{\"errorMessage\":\"Method not allowed: the Runtime API takes GET and POST\","
                    + "\"errorType\":\"MethodNotAllowed\"}");
    static final Reply HEAD_TOO_LARGE = Reply.json(431, "Request Header Fields Too Large", "",
            "{\"errorMessage\":\"Request line and headers exceed " + MAX_HEAD_BYTES + " bytes\","
                    + "\"errorType\":\"RequestHeaderFieldsTooLarge\"}");
    static final Reply VERSION_NOT_SUPPORTED = Reply.json(505, "HTTP Version Not Supported", "",
            "{\"errorMessage\":\"HTTP version not supported: use HTTP/1.1 or HTTP/1.0\","
                    + "\"errorType\":\"HTTPVersionNotSupported\"}");

    static final Reply EXTENSION_FAILED = Reply.json(500, "Internal Server Error", "",
            "{\"errorMessage\":\"Ember failed to handle the request; see the server log\","
                    + "\"errorType\":\"ServiceException\"}");
    static final byte[] EXTENSION_PREFIX = ascii(RuntimeApiExtension.PREFIX);

    private static final byte[] NEXT_PATH = ascii("/2018-06-01/runtime/invocation/next");
    private static final byte[] INIT_ERROR_PATH = ascii("/2018-06-01/runtime/init/error");
    private static final byte[] INVOCATION_PREFIX = ascii("/2018-06-01/runtime/invocation/");

    private RuntimeApiWire() {
    }

    /** The Runtime API's endpoints; {@link #RESPONSE} and {@link #ERROR} carry a request id in their path. */
    enum Route {
        NEXT(""), RESPONSE("/response"), ERROR("/error"), INIT_ERROR(""), UNKNOWN("");

        private final byte[] suffix;

        Route(String suffix) {
            this.suffix = ascii(suffix);
        }

        /** Where the request id starts in a path of this route that starts at {@code pathFrom}. */
        static int idFrom(int pathFrom) {
            return pathFrom + INVOCATION_PREFIX.length;
        }

        /** Where the request id ends in a path of this route that ends at {@code pathTo}. */
        int idTo(int pathTo) {
            return pathTo - suffix.length;
        }

        /** The route of the path {@code b[from, to)} (no query), without allocating. */
        static Route of(byte[] b, int from, int to) {
            if (Arrays.equals(b, from, to, NEXT_PATH, 0, NEXT_PATH.length)) {
                return NEXT;
            }
            if (Arrays.equals(b, from, to, INIT_ERROR_PATH, 0, INIT_ERROR_PATH.length)) {
                return INIT_ERROR;
            }
            if (to - from > INVOCATION_PREFIX.length
                    && Arrays.equals(b, from, idFrom(from), INVOCATION_PREFIX, 0, INVOCATION_PREFIX.length)) {
                if (RESPONSE.matchesIdThenSuffix(b, idFrom(from), to)) {
                    return RESPONSE;
                }
                if (ERROR.matchesIdThenSuffix(b, idFrom(from), to)) {
                    return ERROR;
                }
            }
            return UNKNOWN;
        }

        private boolean matchesIdThenSuffix(byte[] b, int from, int to) {
            int idTo = idTo(to);
            if (idTo <= from || !Arrays.equals(b, idTo, to, suffix, 0, suffix.length)) {
                return false;
            }
            for (int i = from; i < idTo; i++) {
                if (b[i] == '/') {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Status line and headers of the 200 answering {@code GET /next} with this event, without the blank line that
     * ends the head: the connection adds it, with {@code Connection: close} when it will close.
     */
    static byte[] nextHead(RuntimeEvent event) {
        StringBuilder head = new StringBuilder(320)
                .append("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                .append("Lambda-Runtime-Aws-Request-Id: ").append(event.requestId()).append("\r\n")
                .append("Lambda-Runtime-Deadline-Ms: ").append(event.deadlineEpochMs()).append("\r\n")
                .append("Lambda-Runtime-Invoked-Function-Arn: ").append(event.invokedFunctionArn()).append("\r\n")
                .append("Lambda-Runtime-Trace-Id: ").append(event.traceId()).append("\r\n");
        if (event.clientContext() != null) {
            head.append("Lambda-Runtime-Client-Context: ").append(event.clientContext()).append("\r\n");
        }
        if (event.cognitoIdentity() != null) {
            head.append("Lambda-Runtime-Cognito-Identity: ").append(event.cognitoIdentity()).append("\r\n");
        }
        head.append("Content-Length: ").append(event.payload().length).append("\r\n");
        return head.toString().getBytes(UTF_8);
    }

    /** A 400 for a request that is not HTTP/1.1 as Ember reads it; {@code why} is ours, never the client's bytes. */
    static Reply malformed(String why) {
        return Reply.json(400, "Bad Request", "",
                "{\"errorMessage\":\"Malformed HTTP request: " + why + "\",\"errorType\":\"InvalidRequest\"}");
    }

    /**
     * An extension's response as its head (blank line included) and body. JSON unless the extension set a
     * Content-Type; a 204 has neither a body nor a Content-Length.
     */
    static byte[][] extensionResponse(RuntimeApiExtension.Response response, boolean closing) {
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reason(response.status())).append("\r\n");
        boolean typed = false;
        for (var header : response.headers()) {
            typed |= header.getKey().equalsIgnoreCase("Content-Type");
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        boolean noContent = response.status() == 204;
        if (!noContent) {
            if (!typed) {
                head.append("Content-Type: application/json\r\n");
            }
            head.append("Content-Length: ").append(response.body().length).append("\r\n");
        }
        if (closing) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        return new byte[][] {head.toString().getBytes(UTF_8), noContent ? new byte[0] : response.body()};
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : status >= 400 ? "Bad Request" : "OK";
        };
    }

    static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    /** A complete response, encoded for a connection that stays open and for one that closes after it. */
    record Reply(int status, byte[] keepAlive, byte[] close) {

        static Reply json(int status, String reason, String extraHeaders, String body) {
            String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\n" + extraHeaders
                    + "Content-Length: " + body.getBytes(UTF_8).length + "\r\n";
            return new Reply(status, (head + "\r\n" + body).getBytes(UTF_8),
                    (head + "Connection: close\r\n\r\n" + body).getBytes(UTF_8));
        }

        byte[] bytes(boolean closing) {
            return closing ? close : keepAlive;
        }
    }
}
