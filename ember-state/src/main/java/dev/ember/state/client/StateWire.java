package dev.ember.state.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state API's wire shapes as the client reads and writes them (docs/state-api.md): answers and their errors,
 * listings with their values kept as text, versions in {@code ETag}s, and the percent-encoding of path segments.
 */
final class StateWire {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private StateWire() {
    }

    /** A page from {@code {"items":[{"key","value","version","expiresAt"?}], "nextToken"?}}, values kept as text. */
    static Page page(String body) {
        List<Entry> entries = new ArrayList<>();
        String nextToken = null;
        try {
            Json.Reader reader = Json.reader(body);
            reader.beginObject();
            for (String field = reader.nextName(); field != null; field = reader.nextName()) {
                switch (field) {
                    case "items" -> {
                        reader.beginArray();
                        while (reader.hasNext()) {
                            entries.add(item(reader));
                        }
                    }
                    case "nextToken" -> nextToken = reader.value() instanceof String token ? token : null;
                    default -> reader.skipValue();
                }
            }
            reader.end();
        } catch (IllegalArgumentException | ClassCastException e) {
            throw invalidResponse("a listing", body, e);
        }
        return new Page(entries, Optional.ofNullable(nextToken));
    }

    static Entry item(Json.Reader reader) {
        String key = null;
        String value = null;
        long version = 0;
        Instant expiresAt = null;
        reader.beginObject();
        for (String field = reader.nextName(); field != null; field = reader.nextName()) {
            switch (field) {
                case "key" -> key = (String) reader.value();
                case "value" -> value = reader.rawValue();
                case "version" -> version = number(reader.value());
                case "expiresAt" -> {
                    Object at = reader.value();
                    expiresAt = at == null ? null : Instant.ofEpochMilli(number(at));
                }
                default -> reader.skipValue();
            }
        }
        if (key == null || value == null) {
            throw new IllegalArgumentException("an item without key or value");
        }
        return new Entry(key, value, version, expiresAt);
    }

    /** The response if its status is {@code expected}; else the API's error as its exception. */
    static HttpTransport.Response ok(HttpTransport.Response response, int expected) {
        if (response.status() == expected || (expected == 200 && response.status() == 201)) {
            return response;
        }
        Map<?, ?> error = errorBody(response);
        String type = error.get("errorType") instanceof String t && !t.isBlank() ? t : "HTTP " + response.status();
        // A JSON error without a message, or no body, says its status; a body of another kind is the message itself.
        String message = error.get("errorMessage") instanceof String m && !m.isBlank() ? m
                : !error.isEmpty() || response.body().isBlank()
                ? "the state API answered with status " + response.status()
                : response.body().strip();
        throw StateException.of(response.status(), type, message);
    }

    /** The body of an error answer as JSON, or an empty map when it is not JSON. */
    static Map<?, ?> errorBody(HttpTransport.Response response) {
        try {
            return Json.read(response.body()) instanceof Map<?, ?> map ? map : Map.of();
        } catch (IllegalArgumentException notJson) {
            return Map.of();
        }
    }

    static Map<?, ?> object(HttpTransport.Response response, String what) {
        try {
            if (Json.read(response.body()) instanceof Map<?, ?> map) {
                return map;
            }
        } catch (IllegalArgumentException e) {
            throw invalidResponse("the " + what + " answer", response.body(), e);
        }
        throw invalidResponse("the " + what + " answer", response.body(), null);
    }

    static StateException invalidResponse(String what, String body, Exception cause) {
        return new StateException("InvalidResponse", 200, "the state API sent " + what + " the client cannot read: "
                + (body.length() > 200 ? body.substring(0, 200) + "…" : body)
                + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    static List<?> items(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    static long number(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        throw new StateException("InvalidResponse", 200, "the state API sent " + value + " where a 64-bit integer "
                + "belongs");
    }

    static OptionalLong optional(Object value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(number(value));
    }

    static long version(Map<?, ?> answer) {
        return number(answer.get("version"));
    }

    /** The version in {@code ETag: "7"}. */
    static long etag(HttpTransport.Response response) {
        String etag = response.etag();
        if (etag == null) {
            throw new StateException("InvalidResponse", response.status(), "the state API sent a value without its "
                    + "version (no ETag)");
        }
        String bare = etag.startsWith("W/") ? etag.substring(2) : etag;
        return parseLong(bare.replace("\"", ""), "ETag");
    }

    static long parseLong(String text, String header) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new StateException("InvalidResponse", 200, "the state API sent " + header + ": " + text
                    + ", not a number", e);
        }
    }

    /** @throws IllegalArgumentException for an empty key, which no request can name */
    static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a key is 1 to 1024 bytes of UTF-8; it was empty");
        }
    }

    /**
     * Percent-encodes {@code text}'s UTF-8 for a path segment or query value: everything but the ASCII
     * letters, digits, {@code -}, {@code _} and {@code ~}, so a {@code /} in a key stays inside the key and no server
     * normalizes a {@code ..} out of it ({@code .} is encoded too).
     *
     * @throws IllegalArgumentException for a lone surrogate, which has no UTF-8 ({@code getBytes} would send a
     *                                  {@code ?} in its place: another key)
     */
    static String encode(String text) {
        boolean plain = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("a key, prefix or name must be valid Unicode; it has a lone "
                        + "surrogate (U+" + "%04X".formatted((int) c) + ") at index " + i);
            }
            plain &= unreserved(c);
        }
        if (plain) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            char c = (char) (b & 0xff);
            if (unreserved(c)) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '~';
    }

    static byte[] utf8(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
