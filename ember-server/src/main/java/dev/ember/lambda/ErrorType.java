package dev.ember.lambda;

/**
 * The error types of AWS Lambda's APIs that Ember answers with, each with the HTTP status AWS uses.
 *
 * <p>On the wire an error is the status, the header {@code X-Amzn-ErrorType: <wireName>} and the body
 * {@code {"Type":"User","Message":"..."}}; the AWS SDKs map {@link #wireName()} to their typed exceptions.
 */
public enum ErrorType {
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 404, "User"),
    PROVISIONED_CONCURRENCY_CONFIG_NOT_FOUND("ProvisionedConcurrencyConfigNotFoundException", 404, "User"),
    INVALID_PARAMETER_VALUE("InvalidParameterValueException", 400, "User"),
    INVALID_REQUEST_CONTENT("InvalidRequestContentException", 400, "User"),
    RESOURCE_CONFLICT("ResourceConflictException", 409, "User"),
    PRECONDITION_FAILED("PreconditionFailedException", 412, "User"),
    REQUEST_TOO_LARGE("RequestTooLargeException", 413, "User"),
    TOO_MANY_REQUESTS("TooManyRequestsException", 429, "User"),
    SERVICE("ServiceException", 500, "Service");

    private final String wireName;
    private final int status;
    private final String kind;

    ErrorType(String wireName, int status, String kind) {
        this.wireName = wireName;
        this.status = status;
        this.kind = kind;
    }

    /** The name AWS puts in {@code X-Amzn-ErrorType}, e.g. {@code ResourceNotFoundException}. */
    public String wireName() {
        return wireName;
    }

    /** The HTTP status AWS answers this error with. */
    public int status() {
        return status;
    }

    /** {@code User} when the caller can fix it, {@code Service} when the platform failed. */
    public String kind() {
        return kind;
    }
}
