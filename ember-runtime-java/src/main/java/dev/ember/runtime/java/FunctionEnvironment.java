package dev.ember.runtime.java;

import java.util.Map;

/**
 * What the execution environment tells the runtime through the environment variables Lambda defines.
 *
 * @param runtimeApi   {@code AWS_LAMBDA_RUNTIME_API}, {@code host:port} of the Runtime API
 * @param handler      {@code _HANDLER}, {@code package.Class::method} or {@code package.Class}
 * @param taskRoot     {@code LAMBDA_TASK_ROOT}, the unpacked function code; the working directory if unset
 * @param functionName {@code AWS_LAMBDA_FUNCTION_NAME}
 * @param version      {@code AWS_LAMBDA_FUNCTION_VERSION}
 * @param memoryMb     {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, 128 if unset or not a number
 * @param logGroup     {@code AWS_LAMBDA_LOG_GROUP_NAME}
 * @param logStream    {@code AWS_LAMBDA_LOG_STREAM_NAME}
 */
record FunctionEnvironment(
        String runtimeApi,
        String handler,
        String taskRoot,
        String functionName,
        String version,
        int memoryMb,
        String logGroup,
        String logStream) {

    private static final int DEFAULT_MEMORY_MB = 128;

    static FunctionEnvironment from(Map<String, String> env) {
        String taskRoot = env.get("LAMBDA_TASK_ROOT");
        return new FunctionEnvironment(
                env.get("AWS_LAMBDA_RUNTIME_API"),
                env.get("_HANDLER"),
                taskRoot == null || taskRoot.isEmpty() ? System.getProperty("user.dir") : taskRoot,
                env.get("AWS_LAMBDA_FUNCTION_NAME"),
                env.get("AWS_LAMBDA_FUNCTION_VERSION"),
                parseMemory(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")),
                env.get("AWS_LAMBDA_LOG_GROUP_NAME"),
                env.get("AWS_LAMBDA_LOG_STREAM_NAME"));
    }

    private static int parseMemory(String value) {
        if (value == null) {
            return DEFAULT_MEMORY_MB;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_MEMORY_MB;
        }
    }
}
