package dev.ember.runtimeapi;

import java.util.Objects;

/**
 * One invocation as the runtime receives it from {@code GET /2018-06-01/runtime/invocation/next}: the payload as the
 * response body and the other components as {@code Lambda-Runtime-*} headers.
 *
 * <p>Example: {@code new RuntimeEvent(UUID.randomUUID().toString(), deadline.toEpochMilli(),
 * "arn:aws:lambda:us-east-1:000000000000:function:hello", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0",
 * null, null, "{\"key\":\"value\"}".getBytes(UTF_8))}.
 *
 * <p>The payload is not copied: do not change the array after handing the event to
 * {@link RuntimeApiServer#deliver}.
 *
 * @param requestId          {@code Lambda-Runtime-Aws-Request-Id}; the runtime posts the result to a path that
 *                           contains it, so it is visible ASCII without {@code / ? # %}
 * @param deadlineEpochMs    {@code Lambda-Runtime-Deadline-Ms}, milliseconds since the epoch
 * @param invokedFunctionArn {@code Lambda-Runtime-Invoked-Function-Arn}, the ARN the caller used (with qualifier)
 * @param traceId            {@code Lambda-Runtime-Trace-Id}
 * @param clientContext      {@code Lambda-Runtime-Client-Context}, or null to leave the header out
 * @param cognitoIdentity    {@code Lambda-Runtime-Cognito-Identity}, or null to leave the header out
 * @param payload            the event, sent as the body with {@code Content-Type: application/json}
 * @throws NullPointerException     when a component other than clientContext and cognitoIdentity is null
 * @throws IllegalArgumentException when a header component cannot be sent as a header value (control characters),
 *                                  or the request id cannot be a path segment
 */
public record RuntimeEvent(String requestId, long deadlineEpochMs, String invokedFunctionArn, String traceId,
                           String clientContext, String cognitoIdentity, byte[] payload) {

    public RuntimeEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(invokedFunctionArn, "invokedFunctionArn");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(payload, "payload");
        requirePathSegment(requestId);
        requireHeaderValue("invokedFunctionArn", invokedFunctionArn);
        requireHeaderValue("traceId", traceId);
        if (clientContext != null) {
            requireHeaderValue("clientContext", clientContext);
        }
        if (cognitoIdentity != null) {
            requireHeaderValue("cognitoIdentity", cognitoIdentity);
        }
    }

    private static void requirePathSegment(String requestId) {
        if (requestId.isEmpty()) {
            throw new IllegalArgumentException("requestId must not be empty");
        }
        for (int i = 0; i < requestId.length(); i++) {
            char c = requestId.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '%') {
                throw new IllegalArgumentException(("requestId must be visible ASCII without '/', '?', '#' or '%%'"
                        + " (it is a path segment): found U+%04X at index %d in \"%s\"")
                        .formatted((int) c, i, requestId));
            }
        }
    }

    /** CR or LF would end the header early and let the value inject headers; other controls break clients. */
    private static void requireHeaderValue(String component, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("%s must not contain control characters: found U+%04X at index %d"
                        .formatted(component, (int) c, i));
            }
        }
    }
}
