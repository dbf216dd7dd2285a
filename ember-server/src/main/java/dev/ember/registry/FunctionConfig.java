package dev.ember.registry;

import java.util.Map;
import java.util.Objects;

/**
 * A function's configuration as the user sets it. Validated by the registry when written.
 *
 * @param name               the function name
 * @param runtime            the runtime
 * @param handler            the handler, e.g. {@code example.Hello::handleRequest}; free-form for provided runtimes
 * @param role               the execution role ARN (not enforced; kept for clients that read it back)
 * @param description        up to 256 characters
 * @param timeoutSeconds     1 to 900
 * @param memoryMb           128 to 10240
 * @param environment        the function's own environment variables, at most 4 KB in total
 * @param ephemeralStorageMb size of {@code /tmp}, 512 to 10240
 * @param deadLetterTargetArn where asynchronous events go when every attempt failed ({@code DeadLetterConfig}): the
 *                           ARN of a built-in queue, or null for none
 */
public record FunctionConfig(String name, Runtime runtime, String handler, String role, String description,
                             int timeoutSeconds, int memoryMb, Map<String, String> environment,
                             int ephemeralStorageMb, String deadLetterTargetArn) {
    public static final int DEFAULT_TIMEOUT_SECONDS = 3;
    public static final int DEFAULT_MEMORY_MB = 128;
    public static final int DEFAULT_EPHEMERAL_STORAGE_MB = 512;

    public FunctionConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(runtime, "runtime");
        description = description == null ? "" : description;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        deadLetterTargetArn = deadLetterTargetArn == null || deadLetterTargetArn.isEmpty() ? null : deadLetterTargetArn;
    }

    /** A configuration without a dead-letter queue. */
    public FunctionConfig(String name, Runtime runtime, String handler, String role, String description,
                          int timeoutSeconds, int memoryMb, Map<String, String> environment, int ephemeralStorageMb) {
        this(name, runtime, handler, role, description, timeoutSeconds, memoryMb, environment, ephemeralStorageMb,
                null);
    }
}
