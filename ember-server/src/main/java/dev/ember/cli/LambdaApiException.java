package dev.ember.cli;

/**
 * An error answer of the Lambda API: HTTP status {@code >= 400}, header {@code X-Amzn-ErrorType} and a JSON body
 * with {@code Message}. Printed as {@code ember: <errorType>: <message>}.
 */
final class LambdaApiException extends CliException {
    private final int status;
    private final String errorType;

    LambdaApiException(int status, String errorType, String message) {
        super(errorType + ": " + message);
        this.status = status;
        this.errorType = errorType;
    }

    int status() {
        return status;
    }

    /** The error's name, e.g. {@code ResourceNotFoundException}. */
    String errorType() {
        return errorType;
    }

    boolean is(String type) {
        return errorType.equals(type);
    }
}
