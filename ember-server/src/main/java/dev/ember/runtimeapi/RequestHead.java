package dev.ember.runtimeapi;

/**
 * The parts of a request head the Runtime API acts on, filled by {@link RequestReader#readHead} and reused for every
 * request of a connection. The path is not copied: it stays a range of {@link #bytes} until the body is read.
 */
final class RequestHead {

    enum Method { GET, POST, OTHER }

    Method method;
    byte[] bytes;
    int pathFrom;
    int pathTo;
    boolean http10;
    /** HTTP/1.0, or {@code Connection: close}: the connection closes after the response. */
    boolean closing;
    boolean expectContinue;
    /** -1 when there is no Content-Length header. */
    long contentLength;
    boolean chunked;
    /** {@code Lambda-Runtime-Function-Error-Type}, or null. */
    String errorType;

    void reset() {
        method = null;
        bytes = null;
        pathFrom = 0;
        pathTo = 0;
        http10 = false;
        closing = false;
        expectContinue = false;
        contentLength = -1;
        chunked = false;
        errorType = null;
    }

    boolean hasBody() {
        return chunked || contentLength > 0;
    }
}
