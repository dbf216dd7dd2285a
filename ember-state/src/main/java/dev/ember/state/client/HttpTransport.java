package dev.ember.state.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 over plain sockets kept alive, at most a given number at a time, for any number of threads: a request
 * that finds every connection busy waits for one. (An environment's listener serves 16 connections at once, the
 * runtime's own among them; a connection past that would wait unanswered.)
 *
 * <p>Why not {@code java.net.http.HttpClient}: inside an environment a read is a loopback round trip of tens of
 * microseconds, and HttpClient adds a hand-off to its selector thread and back on each request (measured in {@code
 * ./ember bench state}: the client's {@code jdkHttpClient} series), and tens of milliseconds of class loading on the
 * first one, which a cold start pays. Here a request is one {@code write} of head and body, and the answer is read
 * on the calling thread.
 *
 * <p>Responses are delimited by {@code Content-Length}, {@code Transfer-Encoding: chunked} or the end of the
 * connection. A request on a kept-alive connection that fails before any byte of an answer arrived went to a
 * connection the server had closed; it is sent again on a new one if it is idempotent. Writes that are not (a
 * conditional put, an increment, a transaction) never go out on a connection idle for longer than {@link
 * #STALE_AFTER}, so that case does not arise for them in practice; if it does, the caller is told the write may not
 * have been applied.
 */
final class HttpTransport implements AutoCloseable {
    /** A kept-alive connection idle this long is not trusted with a request that must not be sent twice. */
    static final Duration STALE_AFTER = Duration.ofSeconds(2);
    private static final int MAX_IDLE = 16;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final byte[] NO_BODY = new byte[0];

    /**
     * An answer: its status, the headers the state API sends, and its body as UTF-8 text.
     *
     * @param etag      the {@code ETag} header, or null
     * @param expiresAt the {@code X-Ember-Expires-At} header, or null
     */
    record Response(int status, String etag, String expiresAt, String body) {
    }

    private final String host;
    private final int port;
    private final boolean tls;
    private final String fixedHeaders;
    private final int readTimeoutMs;
    private final String origin;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final Semaphore connections;

    /**
     * @param maxConnections connections open at once, at most
     * @param headers        sent with every request, as name, value, name, value, ...
     * @param readTimeout    how long to wait for an answer before the request fails
     */
    HttpTransport(String scheme, String host, int port, Duration readTimeout, int maxConnections, String... headers) {
        this.connections = new Semaphore(maxConnections);
        this.host = host;
        this.port = port;
        this.tls = "https".equalsIgnoreCase(scheme);
        this.origin = scheme + "://" + host + ":" + port;
        this.readTimeoutMs = Math.toIntExact(readTimeout.toMillis());
        StringBuilder fixed = new StringBuilder("Host: ").append(host.contains(":") ? "[" + host + "]" : host)
                .append(':').append(port).append("\r\nUser-Agent: ember-state\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            fixed.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        this.fixedHeaders = fixed.toString();
    }

    /** Where requests go, e.g. {@code http://127.0.0.1:9001}, for messages. */
    String origin() {
        return origin;
    }

    /**
     * Sends one request and reads its answer.
     *
     * @param pathAndQuery already percent-encoded
     * @param body         the body, or null for none
     * @param idempotent   whether sending it twice is the same as once (GET, unconditional PUT and DELETE)
     * @param headers      extra headers as name, value, ...
     * @throws StateUnavailableException when there is no answer
     */
    Response send(String method, String pathAndQuery, byte[] body, boolean idempotent, String... headers) {
        byte[] request = request(method, pathAndQuery, body, headers);
        try {
            connections.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateUnavailableException("state API at " + origin + ": " + method + " " + pathAndQuery
                    + " was interrupted while it waited for a connection; it was not sent", e);
        }
        try {
            return exchange(method, pathAndQuery, request, idempotent);
        } finally {
            connections.release();
        }
    }

    private Response exchange(String method, String pathAndQuery, byte[] request, boolean idempotent) {
        Connection connection = take(idempotent);
        boolean reused = connection != null;
        try {
            if (connection == null) {
                connection = open();
            }
            Response response = connection.exchange(request);
            release(connection);
            return response;
        } catch (IOException e) {
            boolean answered = connection != null && connection.responseStarted;
            if (connection != null) {
                connection.close();
            }
            // A kept-alive connection the server had closed fails at once; a slow server is not asked twice.
            if (reused && !answered && idempotent && !(e instanceof SocketTimeoutException)) {
                return retry(method, pathAndQuery, request);
            }
            throw unavailable(method, pathAndQuery, idempotent, answered, e);
        }
    }

    private Response retry(String method, String pathAndQuery, byte[] request) {
        Connection fresh = null;
        try {
            fresh = open();
            Response response = fresh.exchange(request);
            release(fresh);
            return response;
        } catch (IOException e) {
            if (fresh != null) {
                fresh.close();
            }
            throw unavailable(method, pathAndQuery, true, false, e);
        }
    }

    private StateUnavailableException unavailable(String method, String pathAndQuery, boolean idempotent,
                                                  boolean answered, IOException e) {
        String what = e instanceof SocketTimeoutException ? "no answer within " + readTimeoutMs + " ms"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        String applied = method.equals("GET") ? ""
                : idempotent ? "; sending it again is safe"
                : answered ? "; the server started to answer, so it was most likely applied"
                : "; it may or may not have been applied";
        return new StateUnavailableException("state API at " + origin + ": " + method + " " + pathAndQuery
                + " failed: " + what + applied, e);
    }

    private byte[] request(String method, String pathAndQuery, byte[] body, String[] headers) {
        StringBuilder head = new StringBuilder(192).append(method).append(' ').append(pathAndQuery)
                .append(" HTTP/1.1\r\n").append(fixedHeaders);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] content = body == null ? NO_BODY : body;
        if (body != null || !method.equals("GET")) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(content, 0, request, headBytes.length, content.length);
        return request;
    }

    /** An idle connection, the most recently used first; for a non-idempotent request only one idle briefly. */
    private Connection take(boolean idempotent) {
        long now = System.nanoTime();
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (idempotent || now - connection.idleSince < STALE_AFTER.toNanos()) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void release(Connection connection) {
        if (!connection.keepAlive) {
            connection.close();
            return;
        }
        connection.idleSince = System.nanoTime();
        idle.offerFirst(connection);
        if (idle.size() > MAX_IDLE) {
            Connection oldest = idle.pollLast();
            if (oldest != null) {
                oldest.close();
            }
        }
    }

    private Connection open() throws IOException {
        Socket socket = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(readTimeoutMs);
            return new Connection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Closes the idle connections; those in use are closed when their requests end. Requests may still be sent. */
    @Override
    public void close() {
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }

    /** One socket, used by one request at a time. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;
        boolean responseStarted;
        boolean keepAlive;
        long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        Response exchange(byte[] request) throws IOException {
            responseStarted = false;
            out.write(request);
            out.flush();
            String statusLine;
            int status;
            Headers headers;
            do {
                statusLine = line();
                if (statusLine == null) {
                    throw new EOFException("the server closed the connection without answering");
                }
                status = status(statusLine);
                headers = headers();
            } while (status >= 100 && status < 200);
            String body = body(status, headers);
            keepAlive = keepAlive && (statusLine.startsWith("HTTP/1.1") ? !"close".equalsIgnoreCase(headers.connection)
                    : "keep-alive".equalsIgnoreCase(headers.connection));
            return new Response(status, headers.etag, headers.expiresAt, body);
        }

        /** The headers the client looks at; others are skipped. */
        private static final class Headers {
            String contentLength;
            String transferEncoding;
            String connection;
            String etag;
            String expiresAt;
        }

        private static int status(String statusLine) throws IOException {
            int space = statusLine.indexOf(' ');
            if (!statusLine.startsWith("HTTP/") || space < 0 || statusLine.length() < space + 4) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            try {
                return Integer.parseInt(statusLine, space + 1, space + 4, 10);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status line: " + statusLine, e);
            }
        }

        private Headers headers() throws IOException {
            Headers headers = new Headers();
            String line;
            while ((line = line()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String value = line.substring(colon + 1).trim();
                switch (line.substring(0, colon).trim().toLowerCase(Locale.ROOT)) {
                    case "content-length" -> headers.contentLength = value;
                    case "transfer-encoding" -> headers.transferEncoding = value;
                    case "connection" -> headers.connection = value;
                    case "etag" -> headers.etag = value;
                    case "x-ember-expires-at" -> headers.expiresAt = value;
                    default -> {
                        // not used by the client
                    }
                }
            }
            if (line == null) {
                throw new EOFException("the server closed the connection inside the response headers");
            }
            keepAlive = true;
            return headers;
        }

        private String body(int status, Headers headers) throws IOException {
            if (status == 204 || status == 304) {
                return "";
            }
            if (headers.transferEncoding != null
                    && headers.transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                return chunked();
            }
            if (headers.contentLength != null) {
                int length;
                try {
                    length = Integer.parseInt(headers.contentLength.trim());
                } catch (NumberFormatException e) {
                    throw new IOException("malformed Content-Length: " + headers.contentLength, e);
                }
                if (length < 0) {
                    throw new IOException("malformed Content-Length: " + headers.contentLength);
                }
                return new String(exactly(length), StandardCharsets.UTF_8);
            }
            var rest = new java.io.ByteArrayOutputStream();
            rest.write(buffer, position, limit - position);
            position = limit;
            in.transferTo(rest);
            keepAlive = false;
            return rest.toString(StandardCharsets.UTF_8);
        }

        private String chunked() throws IOException {
            var body = new java.io.ByteArrayOutputStream();
            while (true) {
                String sizeLine = line();
                if (sizeLine == null) {
                    throw new EOFException("the server closed the connection inside a chunked body");
                }
                int extension = sizeLine.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size: " + sizeLine, e);
                }
                if (size < 0) {
                    throw new IOException("malformed chunk size: " + sizeLine);
                }
                if (size == 0) {
                    String trailer;
                    while ((trailer = line()) != null && !trailer.isEmpty()) {
                        // trailers: none used
                    }
                    return body.toString(StandardCharsets.UTF_8);
                }
                body.write(exactly(size));
                String end = line();
                if (end == null || !end.isEmpty()) {
                    throw new IOException("a chunk of " + size + " bytes not followed by CRLF");
                }
            }
        }

        private byte[] exactly(int length) throws IOException {
            byte[] bytes = new byte[length];
            int have = Math.min(length, limit - position);
            System.arraycopy(buffer, position, bytes, 0, have);
            position += have;
            while (have < length) {
                int n = in.read(bytes, have, length - have);
                if (n < 0) {
                    throw new EOFException("expected " + length + " body bytes, the connection ended after " + have);
                }
                have += n;
            }
            return bytes;
        }

        /** A CRLF- (or LF-) terminated line in ISO-8859-1, or null at the end of the stream before any byte. */
        private String line() throws IOException {
            StringBuilder line = null;
            while (true) {
                if (position == limit && !fill()) {
                    if (line == null) {
                        return null;
                    }
                    throw new EOFException("the server closed the connection inside a line: " + line);
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                if (position < limit) {
                    int end = position++;
                    if (line == null && end > start && buffer[end - 1] == '\r') {
                        return new String(buffer, start, end - 1 - start, StandardCharsets.ISO_8859_1);
                    }
                    if (line == null) {
                        line = new StringBuilder();
                    }
                    line.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
                    if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                        line.setLength(line.length() - 1);
                    }
                    return line.toString();
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                line.append(new String(buffer, start, position - start, StandardCharsets.ISO_8859_1));
            }
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return false;
            }
            responseStarted = true;
            position = 0;
            limit = n;
            return true;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // dropped either way
            }
        }
    }
}
