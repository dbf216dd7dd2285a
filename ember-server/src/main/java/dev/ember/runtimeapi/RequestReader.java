package dev.ember.runtimeapi;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ember.runtimeapi.RequestHead.Method;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;

/**
 * Reads the HTTP/1.1 requests of one connection. Heads are parsed in place, as bytes, from a buffer that starts at
 * 4 KB and grows to {@value RuntimeApiWire#MAX_HEAD_BYTES} bytes at most; nothing is decoded into a String except the
 * one header value the Runtime API keeps. Bodies come by Content-Length or chunked and are kept up to a limit the
 * caller sets and only counted beyond it.
 *
 * <p>Lenient where RFC 9112 lets a server be (bare LF line ends, empty lines before a request line, chunk
 * extensions and trailers ignored); strict where leniency would misframe requests (obsolete line folding, whitespace
 * before a header's colon, Content-Length together with Transfer-Encoding, conflicting Content-Lengths, a transfer
 * coding other than chunked). Anything it rejects is an {@link HttpProtocolException}.
 *
 * <p>Longer than most classes here on purpose: the framing rules for heads, fixed-length and chunked bodies belong
 * together, and splitting them would spread one protocol over several files.
 */
final class RequestReader {

    /** The body of a request: its first bytes up to the caller's limit, and its whole length. */
    record Body(byte[] kept, long size) {
    }

    private static final Body EMPTY = new Body(new byte[0], 0);
    private static final int INITIAL_CAPACITY = 4 * 1024;
    private static final int INITIAL_BODY_CAPACITY = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 4 * 1024;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HT = '\t';
    private static final byte DEL = 0x7f;

    private static final byte[] GET = RuntimeApiWire.ascii("GET");
    private static final byte[] POST = RuntimeApiWire.ascii("POST");
    private static final byte[] PUT = RuntimeApiWire.ascii("PUT");
    private static final byte[] DELETE = RuntimeApiWire.ascii("DELETE");
    private static final byte[] EMBER_HEADER = RuntimeApiWire.ascii("x-ember-");
    private static final byte[] IF_MATCH = RuntimeApiWire.ascii("if-match");
    private static final byte[] IF_NONE_MATCH = RuntimeApiWire.ascii("if-none-match");
    /** Extension headers per request at most (more are refused): a head full of them is not a map of thousands. */
    private static final int MAX_EXTENSION_HEADERS = 16;
    private static final byte[] HTTP_1 = RuntimeApiWire.ascii("HTTP/1.");
    private static final byte[] CONTENT_LENGTH = RuntimeApiWire.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = RuntimeApiWire.ascii("transfer-encoding");
    private static final byte[] EXPECT = RuntimeApiWire.ascii("expect");
    private static final byte[] CONNECTION = RuntimeApiWire.ascii("connection");
    private static final byte[] ERROR_TYPE = RuntimeApiWire.ascii("lambda-runtime-function-error-type");
    private static final byte[] CHUNKED = RuntimeApiWire.ascii("chunked");
    private static final byte[] CONTINUE = RuntimeApiWire.ascii("100-continue");
    private static final byte[] CLOSE = RuntimeApiWire.ascii("close");
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final ReadableByteChannel channel;
    private byte[] buf = new byte[INITIAL_CAPACITY];
    private ByteBuffer window = ByteBuffer.wrap(buf);
    private int start; // first unread byte
    private int end;   // end of the bytes read
    private boolean quickAck;

    RequestReader(ReadableByteChannel channel) {
        this.channel = channel;
        this.quickAck = channel instanceof java.nio.channels.NetworkChannel network
                && network.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_QUICKACK);
    }

    /**
     * Reads the next request head into {@code head}. Its path stays valid until the body is read.
     *
     * @return false when the client closed the connection between requests
     * @throws HttpProtocolException for a head that is not HTTP/1.x as this reader accepts it
     * @throws EOFException          when the client closed the connection inside the head
     */
    boolean readHead(RequestHead head) throws IOException {
        head.reset();
        if (!skipEmptyLines()) {
            return false;
        }
        int length = headLength(); // first: reading the head may move it to the front of the buffer
        int from = start;
        int to = start + length;
        start = to;
        int lineEnd = indexOf(LF, from, to);
        requestLine(head, from, withoutCr(from, lineEnd));
        for (int line = lineEnd + 1; ; line = lineEnd + 1) {
            lineEnd = indexOf(LF, line, to);
            int lineTo = withoutCr(line, lineEnd);
            if (lineTo == line) {
                break;
            }
            header(head, line, lineTo);
        }
        if (head.chunked && head.contentLength >= 0) {
            throw HttpProtocolException.malformed("Content-Length and Transfer-Encoding: chunked in one request");
        }
        if (head.http10) {
            if (head.chunked) {
                throw HttpProtocolException.malformed("the chunked transfer coding needs HTTP/1.1");
            }
            head.expectContinue = false; // RFC 9110 10.1.1: ignored from HTTP/1.0 clients
        }
        return true;
    }

    /**
     * Reads the body of the request whose head was read last, keeping at most {@code keep} bytes of it.
     *
     * @throws HttpProtocolException for malformed chunked framing
     * @throws EOFException          when the client closed the connection inside the body
     */
    Body readBody(RequestHead head, int keep) throws IOException {
        if (head.chunked) {
            return readChunked(keep);
        }
        return head.contentLength > 0 ? readFixed(head.contentLength, keep) : EMPTY;
    }

    /**
     * Asks the kernel to acknowledge what arrives next at once. A runtime that writes a request's head and body in
     * two segments (bash's printf does) has Nagle's algorithm hold the body until the head is acknowledged, and a
     * delayed acknowledgement costs 40 ms. Linux clears the flag by itself, so it is set before each such wait.
     */
    private void acknowledgeNow() {
        if (quickAck) {
            try {
                ((java.nio.channels.NetworkChannel) channel).setOption(jdk.net.ExtendedSocketOptions.TCP_QUICKACK,
                        true);
            } catch (IOException | UnsupportedOperationException e) {
                quickAck = false;
            }
        }
    }

    /**
     * Reads a body of known length. The array starts small and grows with the bytes that arrive, so a declared length
     * costs nothing until it is sent; bytes are read straight into it while it has room, not copied through buf.
     */
    private Body readFixed(long length, int keep) throws IOException {
        int keeping = (int) Math.min(length, keep);
        byte[] kept = new byte[Math.min(keeping, INITIAL_BODY_CAPACITY)];
        int k = 0;
        long remaining = length;
        while (remaining > 0) {
            if (k == kept.length && k < keeping) {
                kept = Arrays.copyOf(kept, (int) Math.min(keeping, 2L * kept.length));
            }
            if (start == end) {
                acknowledgeNow();
                if (k < kept.length) { // cannot read past the body: kept.length - k <= remaining
                    int n = channel.read(ByteBuffer.wrap(kept, k, kept.length - k));
                    if (n < 0) {
                        throw new EOFException("connection closed inside a request body");
                    }
                    k += n;
                    remaining -= n;
                    continue;
                }
                fillOrThrow();
            }
            int n = (int) Math.min(remaining, end - start);
            int copied = Math.min(n, kept.length - k);
            System.arraycopy(buf, start, kept, k, copied);
            k += copied;
            start += n;
            remaining -= n;
        }
        return new Body(kept, length);
    }

    private Body readChunked(int keep) throws IOException {
        byte[] kept = new byte[Math.min(keep, INITIAL_BODY_CAPACITY)];
        int k = 0;
        long size = 0;
        for (long chunk = chunkSize(); chunk > 0; chunk = chunkSize()) {
            for (long remaining = chunk; remaining > 0; ) {
                if (start == end) {
                    fillOrThrow();
                }
                int n = (int) Math.min(remaining, end - start);
                int keeping = Math.min(n, keep - k);
                if (k + keeping > kept.length) {
                    kept = Arrays.copyOf(kept, (int) Math.min(keep, Math.max(2L * kept.length, k + keeping)));
                }
                System.arraycopy(buf, start, kept, k, keeping);
                k += keeping;
                start += n;
                remaining -= n;
                size += n;
            }
            int lineEnd = lineEnd(2, "chunk data longer than its chunk size");
            if (withoutCr(start, lineEnd) != start) {
                throw HttpProtocolException.malformed("chunk data longer than its chunk size");
            }
            start = lineEnd + 1;
        }
        skipTrailers();
        return new Body(k == kept.length ? kept : Arrays.copyOf(kept, k), size);
    }

    /** Parses {@code hex-size [; extensions] CRLF} and consumes it; extensions are ignored. */
    private long chunkSize() throws IOException {
        int lineEnd = lineEnd(MAX_CHUNK_LINE, "chunk size line too long");
        int lineTo = withoutCr(start, lineEnd);
        long size = 0;
        int i = start;
        for (int digit; i < lineTo && (digit = Character.digit(buf[i], 16)) >= 0; i++) {
            if (i - start == 15) {
                throw HttpProtocolException.malformed("chunk size over 15 hex digits");
            }
            size = size << 4 | digit;
        }
        if (i == start) {
            throw HttpProtocolException.malformed("a chunk must start with its size in hex");
        }
        while (i < lineTo && (buf[i] == SP || buf[i] == HT)) {
            i++;
        }
        if (i < lineTo && buf[i] != ';') {
            throw HttpProtocolException.malformed("a chunk size may only be followed by ;extensions");
        }
        start = lineEnd + 1;
        return size;
    }

    private void skipTrailers() throws IOException {
        int total = 0;
        while (true) {
            int lineEnd = lineEnd(MAX_CHUNK_LINE, "trailer line too long");
            boolean last = withoutCr(start, lineEnd) == start;
            total += lineEnd + 1 - start;
            start = lineEnd + 1;
            if (last) {
                return;
            }
            if (total > RuntimeApiWire.MAX_HEAD_BYTES) {
                throw new HttpProtocolException(RuntimeApiWire.HEAD_TOO_LARGE, "trailers too large");
            }
        }
    }

    private void requestLine(RequestHead head, int from, int to) {
        int methodEnd = indexOf(SP, from, to);
        int targetEnd = methodEnd < 0 ? -1 : indexOf(SP, methodEnd + 1, to);
        if (methodEnd <= from || targetEnd <= methodEnd + 1) {
            throw HttpProtocolException.malformed("the request line must be: method SP request-target SP version");
        }
        head.method = method(from, methodEnd);
        head.bytes = buf;
        head.pathFrom = methodEnd + 1;
        head.pathTo = targetEnd;
        head.targetTo = targetEnd;
        for (int i = methodEnd + 1; i < targetEnd; i++) {
            byte b = buf[i];
            if (b <= SP || b == DEL) { // bytes over 0x7f are negative
                throw HttpProtocolException.malformed("the request target must be visible ASCII");
            }
            if ((b == '?' || b == '#') && head.pathTo == targetEnd) {
                head.pathTo = i;
            }
            if (b == '#' && head.targetTo == targetEnd) {
                head.targetTo = i;
            }
        }
        version(head, targetEnd + 1, to);
    }

    private Method method(int from, int to) {
        if (Arrays.equals(buf, from, to, GET, 0, GET.length)) {
            return Method.GET;
        }
        if (Arrays.equals(buf, from, to, POST, 0, POST.length)) {
            return Method.POST;
        }
        if (Arrays.equals(buf, from, to, PUT, 0, PUT.length)) {
            return Method.PUT;
        }
        if (Arrays.equals(buf, from, to, DELETE, 0, DELETE.length)) {
            return Method.DELETE;
        }
        if (!isToken(from, to)) {
            throw HttpProtocolException.malformed("the method must be a token");
        }
        return Method.OTHER;
    }

    private void version(RequestHead head, int from, int to) {
        boolean http1 = to - from == 8 && Arrays.equals(buf, from, from + 7, HTTP_1, 0, HTTP_1.length);
        if (http1 && buf[from + 7] == '1') {
            return;
        }
        if (http1 && buf[from + 7] == '0') {
            head.http10 = true;
            head.closing = true;
            return;
        }
        if (to - from == 8 && Arrays.equals(buf, from, from + 5, HTTP_1, 0, 5)
                && isDigit(buf[from + 5]) && buf[from + 6] == '.' && isDigit(buf[from + 7])) {
            throw new HttpProtocolException(RuntimeApiWire.VERSION_NOT_SUPPORTED, "HTTP version not supported");
        }
        throw HttpProtocolException.malformed("the version must be HTTP/1.1 or HTTP/1.0");
    }

    private void header(RequestHead head, int from, int to) {
        if (buf[from] == SP || buf[from] == HT) {
            throw HttpProtocolException.malformed("obsolete line folding is not supported");
        }
        int colon = indexOf((byte) ':', from, to);
        if (colon <= from || !isToken(from, colon)) {
            throw HttpProtocolException.malformed("a header line must be a token name, a colon and a value");
        }
        int valueFrom = colon + 1;
        int valueTo = to;
        while (valueFrom < valueTo && (buf[valueFrom] == SP || buf[valueFrom] == HT)) {
            valueFrom++;
        }
        while (valueTo > valueFrom && (buf[valueTo - 1] == SP || buf[valueTo - 1] == HT)) {
            valueTo--;
        }
        for (int i = valueFrom; i < valueTo; i++) {
            byte b = buf[i];
            if ((b >= 0 && b < SP && b != HT) || b == DEL) {
                throw HttpProtocolException.malformed("a header value contains a control character");
            }
        }
        if (isName(from, colon, CONTENT_LENGTH)) {
            contentLength(head, valueFrom, valueTo);
        } else if (isName(from, colon, TRANSFER_ENCODING)) {
            if (head.chunked || !equalsIgnoreCase(valueFrom, valueTo, CHUNKED)) {
                throw HttpProtocolException.malformed("the only transfer coding supported is chunked, once");
            }
            head.chunked = true;
        } else if (isName(from, colon, EXPECT)) {
            head.expectContinue |= equalsIgnoreCase(valueFrom, valueTo, CONTINUE);
        } else if (isName(from, colon, CONNECTION)) {
            head.closing |= hasToken(valueFrom, valueTo, CLOSE);
        } else if (isName(from, colon, ERROR_TYPE)) {
            head.errorType = new String(buf, valueFrom, valueTo - valueFrom, UTF_8);
        } else if (isExtensionHeader(from, colon)) {
            if (head.extensionHeaders == null) {
                head.extensionHeaders = new HashMap<>();
            }
            String name = new String(buf, from, colon - from, US_ASCII).toLowerCase(Locale.ROOT);
            if (head.extensionHeaders.size() >= MAX_EXTENSION_HEADERS && !head.extensionHeaders.containsKey(name)) {
                // Refused, not dropped: a dropped If-Match would turn a conditional write into an unconditional one.
                throw HttpProtocolException.malformed("more than " + MAX_EXTENSION_HEADERS
                        + " X-Ember-*, If-Match and If-None-Match headers");
            }
            head.extensionHeaders.put(name, new String(buf, valueFrom, valueTo - valueFrom, UTF_8));
        }
    }

    private void contentLength(RequestHead head, int from, int to) {
        if (from == to || to - from > 18) {
            throw HttpProtocolException.malformed("Content-Length must be a decimal number of at most 18 digits");
        }
        long length = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(buf[i])) {
                throw HttpProtocolException.malformed("Content-Length must be a decimal number of at most 18 digits");
            }
            length = length * 10 + (buf[i] - '0');
        }
        if (head.contentLength >= 0 && head.contentLength != length) {
            throw HttpProtocolException.malformed("conflicting Content-Length headers");
        }
        head.contentLength = length;
    }

    /** Length of the head at {@code start}, blank line included, reading until it is all in the buffer. */
    private int headLength() throws IOException {
        int scanned = 0; // relative to start, like lineStart: the buffer may move under them
        int lineStart = 0;
        while (true) {
            int lineEnd = indexOf(LF, start + scanned, end);
            if (lineEnd < 0) {
                scanned = end - start;
                if (scanned >= RuntimeApiWire.MAX_HEAD_BYTES) {
                    throw new HttpProtocolException(RuntimeApiWire.HEAD_TOO_LARGE, "request head too large");
                }
                fillOrThrow();
                continue;
            }
            if (withoutCr(start + lineStart, lineEnd) == start + lineStart) {
                return lineEnd + 1 - start;
            }
            lineStart = lineEnd + 1 - start;
            scanned = lineStart;
        }
    }

    /** Index of the LF ending the line at {@code start}, reading until it is in the buffer. */
    private int lineEnd(int maxLength, String tooLong) throws IOException {
        int scanned = 0;
        while (true) {
            int lineEnd = indexOf(LF, start + scanned, end);
            if (lineEnd >= 0 ? lineEnd - start > maxLength : end - start > maxLength) {
                throw HttpProtocolException.malformed(tooLong);
            }
            if (lineEnd >= 0) {
                return lineEnd;
            }
            scanned = end - start;
            fillOrThrow();
        }
    }

    private boolean skipEmptyLines() throws IOException {
        while (true) {
            for (; start < end; start++) {
                if (buf[start] != CR && buf[start] != LF) {
                    return true;
                }
            }
            if (!fill()) {
                return false;
            }
        }
    }

    private void fillOrThrow() throws IOException {
        if (!fill()) {
            throw new EOFException("connection closed inside a request");
        }
    }

    /**
     * Reads more bytes after the unread ones, moving them to the front or growing the buffer when it is full; callers
     * bound the unread bytes below the buffer's maximum, so there is always room.
     *
     * @return false at the end of the stream
     */
    private boolean fill() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == buf.length) {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            } else {
                buf = Arrays.copyOf(buf, Math.min(2 * buf.length, RuntimeApiWire.MAX_HEAD_BYTES));
                window = ByteBuffer.wrap(buf);
            }
        }
        window.limit(buf.length).position(end);
        int n = channel.read(window);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** End of the line content before the LF at {@code lineEnd}: without its CR, if any. */
    private int withoutCr(int lineStart, int lineEnd) {
        return lineEnd > lineStart && buf[lineEnd - 1] == CR ? lineEnd - 1 : lineEnd;
    }

    private boolean isToken(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] < 0 || !TCHAR[buf[i]]) {
                return false;
            }
        }
        return from < to;
    }

    /** Names are tokens already, so setting the 0x20 bit lower-cases letters and maps no other byte onto one. */
    private boolean isName(int from, int to, byte[] lowerCase) {
        if (to - from != lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            if ((buf[from + i] | 0x20) != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean isExtensionHeader(int from, int to) {
        if (to - from > EMBER_HEADER.length && isName(from, from + EMBER_HEADER.length, EMBER_HEADER)) {
            return true;
        }
        return isName(from, to, IF_MATCH) || isName(from, to, IF_NONE_MATCH);
    }

    private boolean equalsIgnoreCase(int from, int to, byte[] lowerCase) {
        if (to - from != lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            if (Character.toLowerCase(buf[from + i]) != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the comma-separated list {@code buf[from, to)} holds {@code lowerCase}, ignoring case and spaces. */
    private boolean hasToken(int from, int to, byte[] lowerCase) {
        for (int i = from; i < to; ) {
            int comma = indexOf((byte) ',', i, to);
            int elementTo = comma < 0 ? to : comma;
            int elementFrom = i;
            while (elementFrom < elementTo && (buf[elementFrom] == SP || buf[elementFrom] == HT)) {
                elementFrom++;
            }
            while (elementTo > elementFrom && (buf[elementTo - 1] == SP || buf[elementTo - 1] == HT)) {
                elementTo--;
            }
            if (equalsIgnoreCase(elementFrom, elementTo, lowerCase)) {
                return true;
            }
            i = comma < 0 ? to : comma + 1;
        }
        return false;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
