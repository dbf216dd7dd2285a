package dev.ember.url;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The HTTP answer a Function URL sends for a function's response, interpreted as AWS does: a JSON object with a
 * {@code statusCode} is a structured response ({@code headers}, {@code multiValueHeaders}, {@code cookies} as
 * {@code Set-Cookie} headers, {@code body}, {@code isBase64Encoded}); anything else is the body of a 200 with
 * {@code Content-Type: application/json}.
 *
 * @param headers in order, names as the function gave them; a name may repeat
 */
public record UrlAnswer(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Interprets a function's response payload. */
    public static UrlAnswer of(byte[] payload) {
        JsonNode response;
        try {
            response = JSON.readTree(payload);
        } catch (IOException notJson) {
            response = null;
        }
        if (response == null || !response.isObject() || !response.has("statusCode")) {
            return new UrlAnswer(200, List.of(Map.entry("Content-Type", "application/json")), payload);
        }
        JsonNode status = response.get("statusCode");
        if (!status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
            return error(502, "Internal Server Error");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        boolean contentType = false;
        for (var header : response.path("headers").properties()) {
            headers.add(Map.entry(header.getKey(), header.getValue().asText()));
            contentType |= header.getKey().equalsIgnoreCase("content-type");
        }
        for (var header : response.path("multiValueHeaders").properties()) {
            for (JsonNode value : header.getValue()) {
                headers.add(Map.entry(header.getKey(), value.asText()));
            }
            contentType |= header.getKey().equalsIgnoreCase("content-type");
        }
        for (JsonNode cookie : response.path("cookies")) {
            headers.add(Map.entry("Set-Cookie", cookie.asText()));
        }
        if (!contentType) {
            headers.add(Map.entry("Content-Type", "application/json"));
        }
        JsonNode body = response.get("body");
        byte[] bytes;
        if (body == null || body.isNull()) {
            bytes = new byte[0];
        } else if (response.path("isBase64Encoded").asBoolean(false)) {
            try {
                bytes = Base64.getDecoder().decode(body.asText());
            } catch (IllegalArgumentException malformed) {
                return error(502, "Internal Server Error");
            }
        } else {
            bytes = (body.isTextual() ? body.asText() : body.toString()).getBytes(StandardCharsets.UTF_8);
        }
        return new UrlAnswer(status.asInt(), headers, bytes);
    }

    /** An answer of Ember's own: {@code {"Message": message}}, as AWS's Function URLs answer their errors. */
    public static UrlAnswer error(int status, String message) {
        byte[] body = JSON.createObjectNode().put("Message", message).toString().getBytes(StandardCharsets.UTF_8);
        return new UrlAnswer(status, List.of(Map.entry("Content-Type", "application/json")), body);
    }
}
