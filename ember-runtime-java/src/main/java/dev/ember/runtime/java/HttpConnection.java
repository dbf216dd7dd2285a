package dev.ember.runtime.java;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over one persistent socket, just enough for the Runtime API.
 *
 * <p>{@code java.net.http.HttpClient} costs tens of milliseconds of class loading before the first request, which
 * is most of a cold start here. This client sends requests with a {@code Content-Length} body and reads responses
 * delimited by {@code Content-Length}, {@code Transfer-Encoding: chunked} or the end of the connection. Reads never
 * time out: {@code GET /next} blocks until the platform has work.
 *
 * <p>If the server closed the kept-alive connection since the last exchange, the request is retried once on a new
 * connection, but only when no byte of a response arrived, so a request the server answered is never sent twice.
 * Not thread-safe: the runtime has one invocation in flight.
 */
final class HttpConnection implements Closeable {

    /** A response with its header names in lower case. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        /** The value of a header, or {@code null}; {@code name} is matched case-insensitively. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final String USER_AGENT = "ember-java-runtime";
    private static final byte[] NO_BODY = new byte[0];
    private static final String[] NO_HEADERS = new String[0];

    private final String hostAndPort;
    private final InetSocketAddress address;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean responseStarted;

    private HttpConnection(String hostAndPort, InetSocketAddress address) {
        this.hostAndPort = hostAndPort;
        this.address = address;
    }

    /**
     * A connection to {@code host:port} (an IPv6 host in brackets, {@code [::1]:9001}); nothing is opened until the
     * first request.
     *
     * @throws IllegalArgumentException if {@code hostAndPort} has no port
     */
    static HttpConnection to(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + hostAndPort + "'");
        }
        String host = hostAndPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, got '" + hostAndPort + "'", e);
        }
        return new HttpConnection(hostAndPort, new InetSocketAddress(host, port));
    }

    Response get(String path) throws IOException {
        return exchange("GET", path, NO_HEADERS, null);
    }

    /**
     * Posts {@code body}.
     *
     * @param headers extra request headers as name, value, name, value, ...
     */
    Response post(String path, byte[] body, String... headers) throws IOException {
        return exchange("POST", path, headers, body);
    }

    @Override
    public void close() {
        Socket open = socket;
        socket = null;
        in = null;
        out = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // the connection is being dropped either way
            }
        }
    }

    private Response exchange(String method, String path, String[] headers, byte[] body) throws IOException {
        boolean reused = socket != null;
        try {
            return attempt(method, path, headers, body);
        } catch (IOException e) {
            close();
            if (!reused || responseStarted) {
                throw e;
            }
        }
        return attempt(method, path, headers, body);
    }

    private Response attempt(String method, String path, String[] headers, byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        responseStarted = false;
        writeRequest(method, path, headers, body);
        return readResponse();
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address);
            in = new BufferedInputStream(s.getInputStream(), 8192);
            out = new BufferedOutputStream(s.getOutputStream(), 8192);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
    }

    private void writeRequest(String method, String path, String[] headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(160)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostAndPort).append("\r\n")
                .append("User-Agent: ").append(USER_AGENT).append("\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private Response readResponse() throws IOException {
        String statusLine;
        int status;
        Map<String, String> headers;
        do {
            statusLine = readLine();
            if (statusLine == null) {
                throw new EOFException("the server closed the connection before responding");
            }
            status = parseStatus(statusLine);
            headers = readHeaders();
        } while (status >= 100 && status < 200);

        byte[] body = readBody(status, headers);
        String connection = headers.get("connection");
        boolean keepAlive = statusLine.startsWith("HTTP/1.1")
                ? !"close".equalsIgnoreCase(connection)
                : "keep-alive".equalsIgnoreCase(connection);
        if (!keepAlive) {
            close();
        }
        return new Response(status, headers, body);
    }

    private static int parseStatus(String statusLine) throws IOException {
        // "HTTP/1.1 202 Accepted": the code is the three digits after the first space
        int space = statusLine.indexOf(' ');
        if (!statusLine.startsWith("HTTP/") || space < 0 || statusLine.length() < space + 4) {
            throw new IOException("malformed HTTP status line: " + statusLine);
        }
        try {
            return Integer.parseInt(statusLine.substring(space + 1, space + 4));
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP status line: " + statusLine, e);
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new HashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                String previous = headers.putIfAbsent(name, value);
                if (previous != null) {
                    headers.put(name, previous + "," + value);
                }
            }
        }
        if (line == null) {
            throw new EOFException("the server closed the connection inside the response headers");
        }
        return headers;
    }

    private byte[] readBody(int status, Map<String, String> headers) throws IOException {
        if (status == 204 || status == 304) {
            return NO_BODY;
        }
        String transferEncoding = headers.get("transfer-encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunkedBody();
        }
        String contentLength = headers.get("content-length");
        if (contentLength != null) {
            int length;
            try {
                length = Integer.parseInt(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length: " + contentLength, e);
            }
            if (length < 0) {
                throw new IOException("malformed Content-Length: " + contentLength);
            }
            return readExactly(length);
        }
        // neither length nor chunks: the body runs until the server closes the connection
        byte[] body = in.readAllBytes();
        close();
        return body;
    }

    private byte[] readChunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("the server closed the connection inside a chunked body");
            }
            int extension = sizeLine.indexOf(';');
            String hex = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + sizeLine, e);
            }
            if (size < 0) {
                throw new IOException("malformed chunk size: " + sizeLine);
            }
            if (size == 0) {
                readHeaders(); // trailers, ignored
                return body.toByteArray();
            }
            body.write(readExactly(size));
            String end = readLine();
            if (end == null || !end.isEmpty()) {
                throw new IOException("chunk of " + size + " bytes not followed by CRLF");
            }
        }
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("expected " + length + " body bytes, the connection ended after " + bytes.length);
        }
        return bytes;
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, or {@code null} at the end of the stream before any byte. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        int b;
        while ((b = in.read()) != -1) {
            responseStarted = true;
            if (b == '\n') {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return line.toString();
            }
            line.append((char) b);
        }
        if (line.isEmpty()) {
            return null;
        }
        throw new EOFException("the server closed the connection inside a line: " + line);
    }
}
