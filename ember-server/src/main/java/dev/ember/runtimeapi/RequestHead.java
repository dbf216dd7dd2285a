package dev.ember.runtimeapi;

import java.util.Map;

/**
 * The parts of a request head the Runtime API acts on, filled by {@link RequestReader#readHead} and reused for every
 * request of a connection. The path is not copied: it stays a range of {@link #bytes} until the body is read.
 */
final class RequestHead {

    enum Method { GET, POST, PUT, DELETE, OTHER }

    Method method;
    byte[] bytes;
    int pathFrom;
    int pathTo;
    /** End of the request target: {@code [pathTo, targetTo)} is {@code ?query} (or {@code #fragment}), if any. */
    int targetTo;
    boolean http10;
    /** HTTP/1.0, or {@code Connection: close}: the connection closes after the response. */
    boolean closing;
    boolean expectContinue;
    /** -1 when there is no Content-Length header. */
    long contentLength;
    boolean chunked;
    /** {@code Lambda-Runtime-Function-Error-Type}, or null. */
    String errorType;
    /**
     * Headers an {@link RuntimeApiExtension} reads ({@code x-ember-*}, {@code if-match}, {@code if-none-match}), by
     * lower-case name; null when the request has none, as the Runtime API's own requests.
     */
    Map<String, String> extensionHeaders;

    void reset() {
        method = null;
        bytes = null;
        pathFrom = 0;
        pathTo = 0;
        targetTo = 0;
        http10 = false;
        closing = false;
        expectContinue = false;
        contentLength = -1;
        chunked = false;
        errorType = null;
        extensionHeaders = null;
    }

    boolean hasBody() {
        return chunked || contentLength > 0;
    }
}
