package dev.ember.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A JSON request body with typed field access. Every malformed document or wrong-typed field becomes a Lambda
 * error naming the field and what it must be, before anything is changed.
 */
final class RequestBody {
    private final JsonNode root;
    private final String path;

    private RequestBody(JsonNode root, String path) {
        this.root = root;
        this.path = path;
    }

    /**
     * Parses a request body; an empty body is an empty object.
     *
     * @throws LambdaException InvalidRequestContentException when it is not a JSON object
     */
    static RequestBody parse(byte[] body) {
        if (body.length == 0) {
            return new RequestBody(LambdaWire.MAPPER.createObjectNode(), "");
        }
        JsonNode root;
        try {
            root = LambdaWire.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw LambdaException.of(ErrorType.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: %s", e.getOriginalMessage());
        } catch (IOException e) {
            throw LambdaException.of(ErrorType.INVALID_REQUEST_CONTENT, "Could not read request body: %s",
                    e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw LambdaException.of(ErrorType.INVALID_REQUEST_CONTENT,
                    "The request body must be a JSON object");
        }
        return new RequestBody(root, "");
    }

    boolean has(String field) {
        JsonNode node = root.get(field);
        return node != null && !node.isNull();
    }

    String string(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(field, "a string", node);
        }
        return node.textValue();
    }

    String requiredString(String field) {
        String value = string(field);
        if (value == null) {
            throw LambdaException.invalid("1 validation error detected: Value null at '%s' failed to satisfy "
                    + "constraint: Member must not be null", name(field));
        }
        return value;
    }

    Integer integer(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw wrongType(field, "an integer", node);
        }
        return node.intValue();
    }

    Double decimal(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw wrongType(field, "a number", node);
        }
        return node.doubleValue();
    }

    boolean bool(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw wrongType(field, "a boolean", node);
        }
        return node.booleanValue();
    }

    RequestBody object(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw wrongType(field, "an object", node);
        }
        return new RequestBody(node, name(field) + '.');
    }

    /** A JSON object of strings (e.g. {@code Environment.Variables}); insertion order kept. */
    Map<String, String> stringMap(String field) {
        RequestBody object = object(field);
        if (object == null) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (var entry : object.root.properties()) {
            if (!entry.getValue().isTextual()) {
                throw object.wrongType(entry.getKey(), "a string", entry.getValue());
            }
            values.put(entry.getKey(), entry.getValue().textValue());
        }
        return values;
    }

    /** A JSON array of strings (e.g. {@code Cors.AllowOrigins}); null when absent. */
    List<String> stringList(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw wrongType(field, "an array of strings", node);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw wrongType(field, "an array of strings", node);
            }
            values.add(value.textValue());
        }
        return values;
    }

    /** A JSON object of numbers (e.g. {@code RoutingConfig.AdditionalVersionWeights}). */
    Map<String, Double> decimalMap(String field) {
        RequestBody object = object(field);
        if (object == null) {
            return null;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (var entry : object.root.properties()) {
            values.put(entry.getKey(), object.decimal(entry.getKey()));
        }
        return values;
    }

    /** A base64 blob (e.g. {@code Code.ZipFile}). */
    byte[] blob(String field) {
        String encoded = string(field);
        if (encoded == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw LambdaException.invalid("%s is not valid base64: %s", name(field), e.getMessage());
        }
    }

    /** The field's JSON text as sent, e.g. {@code ["x86_64"]}; null when absent. */
    String rawText(String field) {
        JsonNode node = present(field);
        return node == null ? null : node.toString();
    }

    private JsonNode present(String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private String name(String field) {
        return path + field;
    }

    private LambdaException wrongType(String field, String expected, JsonNode actual) {
        return LambdaException.invalid("%s must be %s, but was %s", name(field), expected, describe(actual));
    }

    private static String describe(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case STRING -> "the string \"" + abbreviate(node.textValue()) + '"';
            case NUMBER -> "the number " + node.asText();
            case BOOLEAN -> "the boolean " + node.asText();
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
