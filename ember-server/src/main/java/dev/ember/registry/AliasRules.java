package dev.ember.registry;

import dev.ember.lambda.Arns;
import dev.ember.lambda.LambdaException;
import java.util.Map;
import java.util.regex.Pattern;

/** Lambda's rules for an alias: its name, the version it points at and its routing configuration. */
final class AliasRules {
    private static final Pattern NAME = Pattern.compile("(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
    private static final Pattern VERSION = Pattern.compile("(\\$LATEST|[0-9]+)");
    private static final Pattern ADDITIONAL_VERSION = Pattern.compile("[0-9]+");
    private static final String WEIGHTS = "routingConfig.additionalVersionWeights";

    private AliasRules() {
    }

    /**
     * Checks an alias's fields on their own.
     *
     * @throws LambdaException InvalidParameterValueException listing every violation
     */
    static void check(String name, String functionVersion, String description, Map<String, Double> weights) {
        Violations violations = new Violations()
                .required("name", name, 128, NAME)
                .required("functionVersion", functionVersion, 1024, VERSION)
                .maxLength("description", description, ConfigurationRules.MAX_DESCRIPTION);
        if (weights != null) {
            if (weights.size() > 1) {
                violations.add(WEIGHTS, weights, "Member must have length less than or equal to 1");
            }
            if (!weights.keySet().stream().allMatch(v -> v != null && v.length() <= 1024
                    && ADDITIONAL_VERSION.matcher(v).matches())) {
                violations.add(WEIGHTS, weights, "Map keys must satisfy constraint: [Member must have length less "
                        + "than or equal to 1024, Member must have length greater than or equal to 1, Member must "
                        + "satisfy regular expression pattern: " + ADDITIONAL_VERSION.pattern() + "]");
            }
            if (!weights.values().stream().allMatch(w -> w != null && w >= 0.0 && w <= 1.0)) {
                violations.add(WEIGHTS, weights, "Map value must satisfy constraint: [Member must have value less "
                        + "than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not "
                        + "be null]");
            }
        }
        violations.throwIfAny();
    }

    /**
     * Checks that the versions an alias routes to exist and fit together: the primary exists; an additional version
     * is a published one other than the primary, and then the primary is not {@code $LATEST}.
     *
     * @throws LambdaException ResourceNotFoundException naming a version that does not exist;
     *                         InvalidParameterValueException for a routing Lambda does not allow
     */
    static void checkTargets(FunctionEntry function, Arns arns, String functionVersion, Map<String, Double> weights) {
        String name = function.latest().name();
        if (function.resolve(functionVersion) == null) {
            throw LambdaException.notFound("Function not found: %s", arns.function(name, functionVersion));
        }
        for (String additional : weights.keySet()) {
            if (FunctionVersion.LATEST.equals(functionVersion)) {
                throw LambdaException.invalid("$LATEST is not supported for an alias pointing to more than 1 version");
            }
            if (additional.equals(functionVersion)) {
                throw LambdaException.invalid("Invalid function version %s. Function version %s is already included "
                        + "in routing configuration.", additional, additional);
            }
            if (function.resolve(additional) == null) {
                throw LambdaException.notFound("Function not found: %s", arns.function(name, additional));
            }
        }
    }
}
