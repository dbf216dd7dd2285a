package dev.ember.pool;

import dev.ember.runtimeapi.RuntimeApiExtension;
import java.util.function.Supplier;

/**
 * What every environment's Runtime API serves its function beyond Lambda's endpoints (Ember's durable state), made
 * once per environment so that it knows its caller.
 */
@FunctionalInterface
public interface EnvironmentExtensions {

    /** Nothing beyond Lambda's endpoints. */
    EnvironmentExtensions NONE = (function, token) -> RuntimeApiExtension.NONE;

    /**
     * The extension of one environment.
     *
     * @param function the name of the function the environment serves now; null while it is a stem cell that serves
     *                 none yet (set once, when it is specialised)
     * @param token    the environment's {@value EnvironmentFactory#STATE_TOKEN_VARIABLE}, which its requests must carry
     */
    RuntimeApiExtension forEnvironment(Supplier<String> function, String token);
}
