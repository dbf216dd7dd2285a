package dev.ember.invoke;

import java.util.Objects;

/**
 * A synchronous invocation as the Invoke API receives it.
 *
 * @param requestId     the invocation's id: in the runtime's event, the log lines and the response
 * @param functionName  the bare function name
 * @param qualifier     {@code $LATEST}, a version, an alias, or null for {@code $LATEST}
 * @param payload       the event, JSON
 * @param tailLog       whether the caller wants the last 4 KB of the log ({@code X-Amz-Log-Type: Tail})
 * @param clientContext the client context (decoded JSON) to pass to the runtime, or null
 */
public record InvokeRequest(String requestId, String functionName, String qualifier, byte[] payload, boolean tailLog,
                            String clientContext) {
    public InvokeRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(payload, "payload");
    }
}
