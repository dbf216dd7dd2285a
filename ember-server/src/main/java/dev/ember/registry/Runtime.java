package dev.ember.registry;

import dev.ember.lambda.LambdaException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The runtimes Ember runs, by their Lambda identifiers. */
public enum Runtime {
    JAVA25("java25", Family.JAVA),
    JAVA21("java21", Family.JAVA),
    PROVIDED_AL2023("provided.al2023", Family.PROVIDED),
    PROVIDED_AL2("provided.al2", Family.PROVIDED),
    PROVIDED("provided", Family.PROVIDED);

    /** How an environment of the runtime starts: Ember's managed Java runtime, or the function's own bootstrap. */
    public enum Family { JAVA, PROVIDED }

    private final String id;
    private final Family family;

    Runtime(String id, Family family) {
        this.id = id;
        this.family = family;
    }

    /** The Lambda identifier, e.g. {@code provided.al2023}. */
    public String id() {
        return id;
    }

    /** How an environment of this runtime starts. */
    /** How environments of this runtime start. */
    public Family family() {
        return family;
    }

    /**
     * The runtime with this Lambda identifier.
     *
     * @throws LambdaException InvalidParameterValueException listing the supported runtimes
     */
    public static Runtime fromId(String id) {
        for (Runtime runtime : values()) {
            if (runtime.id.equals(id)) {
                return runtime;
            }
        }
        throw LambdaException.invalid("The runtime parameter of %s is not supported by Ember. Supported runtimes: %s",
                id, Arrays.stream(values()).map(Runtime::id).collect(Collectors.joining(", ")));
    }
}
