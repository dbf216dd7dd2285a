package dev.ember.runtimeapi;

/**
 * The client broke HTTP/1.1 in a way that leaves the connection unusable: it gets {@link #reply()} and the connection
 * is closed. Thrown for hostile or broken runtimes, so it carries no stack trace.
 */
final class HttpProtocolException extends RuntimeException {

    private final transient RuntimeApiWire.Reply reply;

    HttpProtocolException(RuntimeApiWire.Reply reply, String message) {
        super(message, null, false, false);
        this.reply = reply;
    }

    static HttpProtocolException malformed(String why) {
        return new HttpProtocolException(RuntimeApiWire.malformed(why), why);
    }

    RuntimeApiWire.Reply reply() {
        return reply;
    }
}
