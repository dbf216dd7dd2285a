package dev.ember.state;

import static dev.ember.state.StateHttp.MAX_KEY_BYTES;
import static dev.ember.state.StateHttp.MAX_LIMIT;
import static dev.ember.state.StateHttp.MAX_TTL_SECONDS;
import static dev.ember.state.StateHttp.MAX_VALUE_BYTES;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.runtimeapi.RuntimeApiExtension.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the state API reads from a request, checked: namespaces, keys and query parameters from the path, conditions
 * and TTLs from headers, values and transaction operations from bodies. Every refusal is a {@link StateError} that
 * names the field and the rule.
 */
final class StateInput {
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,140}");
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonFactory JSON = MAPPER.getFactory();

    private StateInput() {
    }

    static Operation operation(JsonNode node, int index) {
        String what = "operation " + index;
        if (node == null || !node.isObject()) {
            throw StateError.invalid("InvalidTransaction", "%s is not an object", what);
        }
        String op = textField(node, "op", what);
        String namespace = namespace(textField(node, "namespace", what));
        String key = keyField(textField(node, "key", what), what);
        Set<String> allowed = switch (op) {
            case "check" -> Set.of("op", "namespace", "key", "version");
            case "put" -> Set.of("op", "namespace", "key", "value", "ttlSeconds", "ifVersion");
            case "delete" -> Set.of("op", "namespace", "key", "ifVersion");
            case "increment" -> Set.of("op", "namespace", "key", "delta", "ttlSeconds");
            default -> throw StateError.invalid("InvalidTransaction", "%s: op %s is not one of check, put, delete,"
                    + " increment", what, shown(op));
        };
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw StateError.invalid("InvalidTransaction", "%s: a %s takes %s, not %s", what, op,
                        String.join(", ", allowed), shown(name));
            }
        }
        return switch (op) {
            case "check" -> {
                if (!node.has("version")) {
                    throw StateError.invalid("InvalidTransaction", "%s: a check needs a version (0: absent)", what);
                }
                yield new Operation.Check(namespace, key, versionField(node, "version", what));
            }
            case "put" -> {
                JsonNode value = node.get("value");
                if (value == null) {
                    throw StateError.invalid("InvalidTransaction", "%s: a put needs a value", what);
                }
                String json = escapeLoneSurrogates(value.toString());
                if (json.getBytes(UTF_8).length > MAX_VALUE_BYTES) {
                    throw valueTooLarge(json.getBytes(UTF_8).length);
                }
                yield new Operation.Put(namespace, key, json, ttlField(node, what),
                        node.has("ifVersion") ? versionField(node, "ifVersion", what) : null);
            }
            case "delete" -> new Operation.Delete(namespace, key,
                    node.has("ifVersion") ? versionField(node, "ifVersion", what) : null);
            default -> new Operation.Increment(namespace, key,
                    node.has("delta") ? integerField(node, "delta", what) : 1, ttlField(node, what));
        };
    }

    /**
     * {@code json} with each lone surrogate as its {@code \\u} escape. The compact form of a string sent as
     * {@code "\\ud800"} holds the bare surrogate, which has no UTF-8 (the store would keep a {@code ?}); a surrogate
     * is only ever inside a string there, where the escape means the same.
     */
    static String escapeLoneSurrogates(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < json.length()
                    && Character.isLowSurrogate(json.charAt(i + 1));
            if (!paired && Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(json.length() + 16).append(json, 0, i);
                }
                out.append("\\u").append(HexFormat.of().withUpperCase().toHexDigits(c));
                continue;
            }
            if (out != null) {
                out.append(c);
                if (paired) {
                    out.append(json.charAt(i + 1));
                }
            }
            if (paired) {
                i++;
            }
        }
        return out == null ? json : out.toString();
    }

    static String namespace(String raw) {
        String namespace = decode(raw, "namespace", false, "InvalidNamespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw StateError.invalid("InvalidNamespace", "Namespace %s is not 1 to 140 of A-Z, a-z, 0-9, _ . -",
                    shown(namespace));
        }
        return namespace;
    }

    static String key(String raw) {
        return keyField(decode(raw, "key", false, "InvalidKey"), "the path");
    }

    static String keyField(String key, String where) {
        if (key.isEmpty()) {
            throw StateError.invalid("InvalidKey", "The key in %s is empty: a key is 1 to %d bytes of UTF-8", where,
                    MAX_KEY_BYTES);
        }
        int bytes = utf8Length(key);
        if (bytes > MAX_KEY_BYTES) {
            throw StateError.invalid("KeyTooLong", "The key in %s is %d bytes of UTF-8; at most %d", where, bytes,
                    MAX_KEY_BYTES);
        }
        return key;
    }

    /** The length of {@code s} in UTF-8; a lone surrogate (which a JSON escape can make) is no key. */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw StateError.invalid("InvalidKey", "A key must be valid Unicode: it has a lone surrogate");
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        return bytes;
    }

    /**
     * Percent-decodes a path segment (or query value, where {@code +} is a space) into UTF-8, strictly: a malformed
     * escape or invalid UTF-8 is refused, never replaced (two spellings of one key would be two keys).
     */
    static String decode(String raw, String what) {
        return decode(raw, what, false, "InvalidRequest");
    }

    /**
     * @param query       whether {@code +} is a space
     * @param invalidType the {@code errorType} when the bytes are not UTF-8 (a malformed escape is always
     *                    {@code InvalidRequest})
     */
    static String decode(String raw, String what, boolean query, String invalidType) {
        if (raw.indexOf('%') < 0 && !(query && raw.indexOf('+') >= 0)) {
            return raw; // ASCII already: the request target is visible ASCII
        }
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw StateError.badRequest("The %s has a malformed percent-escape at character %d", what, i);
                }
                bytes[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                bytes[n++] = (byte) (query && c == '+' ? ' ' : c);
            }
        }
        try {
            return strictUtf8(bytes, n);
        } catch (CharacterCodingException e) {
            throw StateError.invalid(invalidType, "The %s is not valid UTF-8 once percent-decoded", what);
        }
    }

    static List<Map.Entry<String, String>> query(String query) {
        List<Map.Entry<String, String>> parameters = new ArrayList<>();
        if (query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals), "query", true, "InvalidRequest");
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1), "query", true, "InvalidRequest");
            parameters.add(Map.entry(name, value));
        }
        return parameters;
    }

    static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw StateError.badRequest("limit must be 1 to %d, not %s", MAX_LIMIT, shown(value));
    }

    /** {@code If-Match: "v"} (or {@code *}: the key exists) and {@code If-None-Match: *} (it does not). */
    static Long condition(Request request) {
        String ifMatch = request.header("if-match");
        String ifNoneMatch = request.header("if-none-match");
        if (ifMatch != null && ifNoneMatch != null) {
            throw StateError.badRequest("send If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.equals("*")) {
                throw StateError.badRequest("If-None-Match takes only *: the key must not exist");
            }
            return Operation.ABSENT;
        }
        if (ifMatch == null) {
            return null;
        }
        if (ifMatch.equals("*")) {
            return Operation.PRESENT;
        }
        String digits = ifMatch.length() >= 2 && ifMatch.startsWith("\"") && ifMatch.endsWith("\"")
                ? ifMatch.substring(1, ifMatch.length() - 1) : ifMatch;
        try {
            long version = Long.parseLong(digits);
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw StateError.badRequest("If-Match takes a version as the ETag gave it (\"17\") or *, not %s",
                shown(ifMatch));
    }

    static Long ttl(String header) {
        if (header == null) {
            return null;
        }
        try {
            return ttlSeconds(Long.parseLong(header.strip()), "X-Ember-Ttl-Seconds");
        } catch (NumberFormatException e) {
            throw StateError.badRequest("X-Ember-Ttl-Seconds must be whole seconds, 1 to %d", MAX_TTL_SECONDS);
        }
    }

    static Long ttlField(JsonNode node, String what) {
        if (!node.has("ttlSeconds") || node.get("ttlSeconds").isNull()) {
            return null;
        }
        return ttlSeconds(integerField(node, "ttlSeconds", what), what + ": ttlSeconds");
    }

    static long ttlSeconds(long seconds, String what) {
        if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
            throw StateError.badRequest("%s must be 1 to %d seconds, not %d", what, MAX_TTL_SECONDS, seconds);
        }
        return seconds;
    }

    static long integerField(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw StateError.badRequest("%s: %s must be a 64-bit integer", what, field);
        }
        return value.asLong();
    }

    static long versionField(JsonNode node, String field, String what) {
        long version = integerField(node, field, what);
        if (version < 0) {
            throw StateError.badRequest("%s: %s must be a version (0: the key is absent)", what, field);
        }
        return version;
    }

    static String textField(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw StateError.invalid("InvalidTransaction", "%s needs %s, a string", what, field);
        }
        return value.asText();
    }

    static JsonNode object(byte[] body, String what) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // refused below
        }
        throw StateError.badRequest("The body of %s must be a JSON object", what);
    }

    /**
     * The value as sent, once it is known to be exactly one JSON document in UTF-8: streamed, not built into a tree
     * (it is up to 400 KB, on every put). The text is decoded strictly first and parsed as text: given bytes, the
     * parser would take UTF-16 or UTF-32 (which it detects) and a byte order mark, and the value stored would not be
     * what was sent, nor embeddable in a listing as JSON.
     */
    static String value(byte[] body) {
        String text;
        try {
            text = strictUtf8(body, body.length);
        } catch (CharacterCodingException e) {
            throw StateError.invalid("InvalidValue", "The value must be JSON in UTF-8; it is not valid UTF-8");
        }
        if (!text.startsWith("\uFEFF")) {
            try (JsonParser parser = JSON.createParser(text)) {
                JsonToken first = parser.nextToken();
                if (first != null) {
                    parser.skipChildren();
                    if (parser.nextToken() == null) {
                        return text;
                    }
                }
            } catch (IOException e) {
                // refused below
            }
        }
        throw StateError.invalid("InvalidValue", "The value must be one JSON document (object, array, string,"
                + " number, true, false or null) in UTF-8, without a byte order mark");
    }

    /** The first {@code length} bytes as UTF-8, refused (never replaced) where they are not UTF-8. */
    private static String strictUtf8(byte[] bytes, int length) throws CharacterCodingException {
        return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    }

    static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** A name or key from the request, quoted and cut for an error message. */
    static String shown(String text) {
        return '"' + (text.length() > 100 ? text.substring(0, 100) + "..." : text) + '"';
    }

    static StateError valueTooLarge(long size) {
        return new StateError(413, "ValueTooLarge", "A value is at most %d bytes; this one is %d", MAX_VALUE_BYTES,
                size);
    }
}
