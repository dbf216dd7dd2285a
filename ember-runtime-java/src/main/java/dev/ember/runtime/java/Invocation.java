package dev.ember.runtime.java;

/**
 * One event handed out by {@code GET /2018-06-01/runtime/invocation/next}, with the values of its
 * {@code Lambda-Runtime-*} headers ({@code null} when a header was absent).
 *
 * @param requestId          {@code Lambda-Runtime-Aws-Request-Id}
 * @param deadlineMillis     {@code Lambda-Runtime-Deadline-Ms}: epoch milliseconds when the invocation times out,
 *                           0 if the header was absent
 * @param invokedFunctionArn {@code Lambda-Runtime-Invoked-Function-Arn}
 * @param traceId            {@code Lambda-Runtime-Trace-Id}, the X-Ray trace header
 * @param clientContext      {@code Lambda-Runtime-Client-Context}, JSON
 * @param cognitoIdentity    {@code Lambda-Runtime-Cognito-Identity}, JSON
 * @param tenantId           {@code Lambda-Runtime-Aws-Tenant-Id}
 * @param payload            the event, as sent by the caller
 */
record Invocation(
        String requestId,
        long deadlineMillis,
        String invokedFunctionArn,
        String traceId,
        String clientContext,
        String cognitoIdentity,
        String tenantId,
        byte[] payload) {
}
