package dev.ember.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.invoke.InvocationResult;
import java.nio.charset.StandardCharsets;

/**
 * How one invocation of an event ended, as destination records and dead-letter messages report it.
 *
 * @param statusCode      the Invoke API's status for it (200 once the function ran)
 * @param executedVersion the version that ran
 * @param functionError   {@code Unhandled} when the function failed, else null
 * @param errorType       the error's type (e.g. {@code Runtime.ExitError}), else null
 * @param payload         the function's response or error document
 */
record Attempt(int statusCode, String executedVersion, String functionError, String errorType, String payload) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The attempt an invocation's result describes; null for a throttle, which never ran. */
    static Attempt of(InvocationResult result) {
        return switch (result) {
            case InvocationResult.Success s -> new Attempt(200, s.executedVersion(), null, null, text(s.payload()));
            case InvocationResult.FunctionError e -> new Attempt(200, e.executedVersion(), "Unhandled", e.errorType(),
                    text(e.payload()));
            case InvocationResult.Timeout t -> new Attempt(200, t.executedVersion(), "Unhandled", "Sandbox.Timedout",
                    "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"RequestId: %s Error: Task timed out after %.2f seconds\"}"
                            .formatted(t.requestId(), t.timeoutSeconds()));
            case InvocationResult.Throttled ignored -> null;
        };
    }

    /** The error message for a dead letter's {@code ErrorMessage}: the document's, else the document. */
    String errorMessage() {
        try {
            JsonNode node = JSON.readTree(payload);
            if (node != null && node.hasNonNull("errorMessage")) {
                return node.get("errorMessage").asText();
            }
        } catch (JsonProcessingException notJson) {
            // the document itself
        }
        return payload;
    }

    String toJson() {
        ObjectNode node = JSON.createObjectNode().put("statusCode", statusCode)
                .put("executedVersion", executedVersion).put("functionError", functionError)
                .put("errorType", errorType).put("payload", payload);
        return node.toString();
    }

    static Attempt fromJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return new Attempt(node.path("statusCode").asInt(200), node.path("executedVersion").asText(null),
                    node.path("functionError").asText(null), node.path("errorType").asText(null),
                    node.path("payload").asText(null));
        } catch (JsonProcessingException e) {
            return null; // an unreadable note of an earlier attempt costs the record its response, nothing more
        }
    }

    private static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
