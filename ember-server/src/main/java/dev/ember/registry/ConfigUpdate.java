package dev.ember.registry;

import java.util.Map;

/**
 * A partial change of a function's configuration (UpdateFunctionConfiguration): a null component is left as it is.
 * An empty {@code environment} map removes every variable; an empty {@code deadLetterTargetArn} removes the
 * dead-letter queue, as AWS's {@code DeadLetterConfig: {TargetArn: ""}} does.
 */
public record ConfigUpdate(Runtime runtime, String handler, String role, String description, Integer timeoutSeconds,
                           Integer memoryMb, Map<String, String> environment, Integer ephemeralStorageMb,
                           String deadLetterTargetArn) {

    /** A change that leaves the dead-letter queue as it is. */
    public ConfigUpdate(Runtime runtime, String handler, String role, String description, Integer timeoutSeconds,
                        Integer memoryMb, Map<String, String> environment, Integer ephemeralStorageMb) {
        this(runtime, handler, role, description, timeoutSeconds, memoryMb, environment, ephemeralStorageMb, null);
    }

    /** Applies this change to {@code current}. */
    public FunctionConfig applyTo(FunctionConfig current) {
        return new FunctionConfig(current.name(),
                runtime != null ? runtime : current.runtime(),
                handler != null ? handler : current.handler(),
                role != null ? role : current.role(),
                description != null ? description : current.description(),
                timeoutSeconds != null ? timeoutSeconds : current.timeoutSeconds(),
                memoryMb != null ? memoryMb : current.memoryMb(),
                environment != null ? environment : current.environment(),
                ephemeralStorageMb != null ? ephemeralStorageMb : current.ephemeralStorageMb(),
                deadLetterTargetArn != null ? deadLetterTargetArn : current.deadLetterTargetArn());
    }
}
