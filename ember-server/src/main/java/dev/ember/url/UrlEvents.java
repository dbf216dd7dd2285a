package dev.ember.url;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The event a Function URL hands its function: API Gateway's payload format 2.0, field for field as AWS builds it.
 * Repeated headers and query parameters are joined with commas, cookies come apart from their header, and a body
 * that is not text is base64-encoded ({@code isBase64Encoded}).
 */
public final class UrlEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final Set<String> TEXT_TYPES = Set.of("application/json", "application/xml",
            "application/javascript", "application/x-www-form-urlencoded", "application/yaml", "application/graphql");

    private UrlEvents() {
    }

    /** The 2.0 event of {@code request} to the URL {@code urlId}. */
    public static byte[] of(UrlRequest request, String urlId, String requestId, Instant now) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery());
        String cookie = request.header("cookie");
        if (cookie != null) {
            ArrayNode cookies = event.putArray("cookies");
            for (String part : cookie.split(";")) {
                if (!part.isBlank()) {
                    cookies.add(part.strip());
                }
            }
        }
        ObjectNode headers = event.putObject("headers");
        request.headers().forEach((name, values) -> {
            if (!name.equals("cookie")) {
                headers.put(name, String.join(",", values));
            }
        });
        Map<String, String> query = query(request.rawQuery());
        if (!query.isEmpty()) {
            ObjectNode parameters = event.putObject("queryStringParameters");
            query.forEach(parameters::put);
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "anonymous"); // AWS's for AuthType NONE
        context.put("apiId", urlId);
        context.put("domainName", request.domainName());
        context.put("domainPrefix", urlId);
        ObjectNode http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", decodePath(request.rawPath()));
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", request.header("user-agent"));
        context.put("requestId", requestId);
        context.put("routeKey", "$default");
        context.put("stage", "$default");
        context.put("time", TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        if (request.body().length > 0) {
            boolean text = isText(request.header("content-type"));
            event.put("body", text ? new String(request.body(), StandardCharsets.UTF_8)
                    : Base64.getEncoder().encodeToString(request.body()));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Query parameters, decoded; a repeated key's values joined with commas, as AWS does. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.merge(key, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    /** Text bodies go as they are: {@code text/*}, JSON, XML, JavaScript, form data; the rest in base64. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || TEXT_TYPES.contains(type) || type.endsWith("+json")
                || type.endsWith("+xml");
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    /** The path decoded, except that {@code +} stays a plus (it is a space only in a query). */
    private static String decodePath(String rawPath) {
        return decode(rawPath.replace("+", "%2B"));
    }
}
