package dev.ember.url;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request to a Function URL, as the server received it.
 *
 * @param rawPath     the path after the URL's prefix, still percent-encoded, starting with {@code /}
 * @param rawQuery    the query string without {@code ?}, still encoded; empty when there is none
 * @param headers     by lower-case name, each value as received, in order
 * @param domainName  the host the request was sent to
 * @param sourceIp    the client's address
 */
public record UrlRequest(String method, String rawPath, String rawQuery, String protocol,
                         Map<String, List<String>> headers, byte[] body, String domainName, String sourceIp) {

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
