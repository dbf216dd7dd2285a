package dev.ember.cli;

/**
 * An error answer of the server's API: HTTP status {@code >= 400}; Lambda's header {@code X-Amzn-ErrorType} and a
 * JSON body with {@code Message}, or EventBridge's (AWS JSON 1.1) body {@code {"__type", "message"}}. Printed as
 * {@code ember: <errorType>: <message>}.
 */
final class LambdaApiException extends CliException {
    private final String errorType;

    /**
     * @param errorType the error's name, e.g. {@code ResourceNotFoundException}, or {@code HTTP <status>} when the
     *                  answer named none
     * @param message   the body's {@code Message}, on one line
     */
    LambdaApiException(String errorType, String message) {
        super(errorType + ": " + message);
        this.errorType = errorType;
    }

    /** Whether this is the error named {@code type}, e.g. {@code ResourceConflictException}. */
    boolean is(String type) {
        return errorType.equals(type);
    }
}
