package dev.ember.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The configuration a {@code deploy} sets; a null component was not given on the command line and is left as the
 * server has it (or its default, on create).
 *
 * @param runtime     Lambda runtime identifier, e.g. {@code java25}
 * @param handler     the handler, e.g. {@code example.Hello::handleRequest}
 * @param memorySize  MB
 * @param timeout     seconds
 * @param environment the complete set of environment variables (replaces the existing ones)
 * @param description free text
 */
record FunctionSettings(String runtime, String handler, Integer memorySize, Integer timeout,
                        Map<String, String> environment, String description) {

    /** Whether no setting was given, so an update of the configuration would change nothing. */
    boolean isEmpty() {
        return runtime == null && handler == null && memorySize == null && timeout == null && environment == null
                && description == null;
    }

    /** Writes the given settings under their Lambda field names. */
    void writeTo(ObjectNode body) {
        if (runtime != null) {
            body.put("Runtime", runtime);
        }
        if (handler != null) {
            body.put("Handler", handler);
        }
        if (description != null) {
            body.put("Description", description);
        }
        if (memorySize != null) {
            body.put("MemorySize", memorySize);
        }
        if (timeout != null) {
            body.put("Timeout", timeout);
        }
        if (environment != null) {
            ObjectNode variables = body.putObject("Environment").putObject("Variables");
            environment.forEach(variables::put);
        }
    }
}
