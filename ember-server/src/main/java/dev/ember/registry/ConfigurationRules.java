package dev.ember.registry;

import dev.ember.lambda.Arns;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import dev.ember.policy.ScalingPolicy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Lambda's rules for a function's configuration, each failure with AWS's message naming the field and the rule. */
final class ConfigurationRules {
    /** The pattern AWS names when a function name is refused; {@link FunctionRef#NAME} is what a bare name must match. */
    private static final Pattern FUNCTION_NAME = Pattern.compile(
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)"
                    + "(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
    private static final Pattern HANDLER = Pattern.compile("[^\\s]+");
    private static final Pattern ROLE = Pattern.compile(
            "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern ENVIRONMENT_KEY = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])+");
    /** Variables Lambda sets itself; a function may not set them. */
    static final Set<String> RESERVED_KEYS = Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "AWS_EXECUTION_ENV",
            "_HANDLER", "_X_AMZN_TRACE_ID", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ");
    static final int MAX_DESCRIPTION = 256;
    static final int MAX_HANDLER = 128;
    static final int MAX_ENVIRONMENT_BYTES = 4096;
    static final int MIN_MEMORY_MB = 128;
    static final int MAX_MEMORY_MB = 10_240;
    static final int MIN_TIMEOUT_SECONDS = 1;
    static final int MAX_TIMEOUT_SECONDS = 900;
    static final int MIN_EPHEMERAL_STORAGE_MB = 512;
    static final int MAX_EPHEMERAL_STORAGE_MB = 10_240;

    private ConfigurationRules() {
    }

    /**
     * Checks the configuration of a new function, name included.
     *
     * @return the configuration to store: the role defaults to {@link Arns#defaultRole()}
     * @throws LambdaException InvalidParameterValueException listing every violation
     */
    static FunctionConfig forCreate(FunctionConfig config, Arns arns) {
        FunctionConfig withRole = config.role() != null ? config : new FunctionConfig(config.name(), config.runtime(),
                config.handler(), arns.defaultRole(), config.description(), config.timeoutSeconds(),
                config.memoryMb(), config.environment(), config.ephemeralStorageMb(), config.deadLetterTargetArn());
        Violations violations = new Violations();
        if (config.name().length() > 64) {
            violations.add("functionName", config.name(), "Member must have length less than or equal to 64");
        } else if (!FunctionRef.NAME.matcher(config.name()).matches()) {
            violations.add("functionName", config.name(),
                    "Member must satisfy regular expression pattern: " + FUNCTION_NAME.pattern());
        }
        check(withRole, violations, arns);
        return withRole;
    }

    /**
     * Checks a configuration (after an update was applied to it); the name is not checked.
     *
     * @throws LambdaException InvalidParameterValueException listing every violation
     */
    static FunctionConfig check(FunctionConfig config, Arns arns) {
        check(config, new Violations(), arns);
        return config;
    }

    private static void check(FunctionConfig config, Violations violations, Arns arns) {
        violations.required("role", config.role(), 2048, ROLE)
                .required("handler", config.handler(), MAX_HANDLER, HANDLER)
                .maxLength("description", config.description(), MAX_DESCRIPTION)
                .range("timeout", config.timeoutSeconds(), MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS)
                .range("memorySize", config.memoryMb(), MIN_MEMORY_MB, MAX_MEMORY_MB)
                .range("ephemeralStorage.size", config.ephemeralStorageMb(), MIN_EPHEMERAL_STORAGE_MB,
                        MAX_EPHEMERAL_STORAGE_MB);
        // Reserved keys get their own message below, even those (_HANDLER) that the pattern would refuse first.
        if (!config.environment().keySet().stream()
                .allMatch(key -> RESERVED_KEYS.contains(key) || ENVIRONMENT_KEY.matcher(key).matches())) {
            violations.addWithoutValue("environment.variables", "Map keys must satisfy constraint: "
                    + "[Member must satisfy regular expression pattern: " + ENVIRONMENT_KEY.pattern() + "]");
        }
        violations.throwIfAny();
        checkEnvironment(config.environment());
        checkDeadLetterQueue(config.deadLetterTargetArn(), arns);
    }

    /** A built-in queue's name: SQS's rule (1 to 80 letters, digits, hyphens, underscores). */
    private static final Pattern QUEUE_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,80}");

    /** Ember's dead-letter queues are its built-in queues, named by SQS-shaped ARNs of its region and account. */
    private static void checkDeadLetterQueue(String arn, Arns arns) {
        if (arn == null) {
            return;
        }
        String queue = arns.queueName(arn);
        if (queue == null || !QUEUE_NAME.matcher(queue).matches()) {
            throw LambdaException.invalid("The provided DeadLetterConfig.TargetArn %s is not valid: Ember's dead-letter "
                    + "queues are its built-in queues, named %s with a name of 1 to 80 letters, digits, hyphens or "
                    + "underscores", arn, arns.queue("NAME"));
        }
    }

    /** Description of a published version or an alias: at most 256 characters. */
    static void checkDescription(String description) {
        new Violations().maxLength("description", description, MAX_DESCRIPTION).throwIfAny();
    }

    /** MaxItems of a listing: 1 to 10000. */
    static void checkMaxItems(int maxItems) {
        new Violations().range("maxItems", maxItems, 1, 10_000).throwIfAny();
    }

    /** Ember's setting for outbound network access, an environment variable so that AWS's clients can set it. */
    static final String NETWORK_VARIABLE = "EMBER_NETWORK";
    private static final List<String> NETWORK_VALUES = List.of("none", "outbound");

    /** Ember's setting for the scaling policy of one function, instead of the server's. */
    static final String POLICY_VARIABLE = "EMBER_POLICY";

    private static void checkEnvironment(Map<String, String> variables) {
        Set<String> reserved = new TreeSet<>(variables.keySet());
        reserved.retainAll(RESERVED_KEYS);
        if (!reserved.isEmpty()) {
            throw LambdaException.invalid("Lambda was unable to configure your environment variables because the "
                    + "environment variables you have provided contains reserved keys that are currently not "
                    + "supported for modification. Reserved keys used in this request: %s",
                    String.join(", ", reserved));
        }
        String network = variables.get(NETWORK_VARIABLE);
        if (network != null && !NETWORK_VALUES.contains(network)) {
            throw LambdaException.invalid("%s must be one of %s (outbound network access of the function's "
                    + "environments; none when unset), was '%s'", NETWORK_VARIABLE, NETWORK_VALUES, network);
        }
        String policy = variables.get(POLICY_VARIABLE);
        if (policy != null && !ScalingPolicy.NAMES.contains(policy)) {
            throw LambdaException.invalid("%s must be one of %s (the scaling policy of this function; the server's"
                    + " when unset), was '%s'", POLICY_VARIABLE, ScalingPolicy.NAMES, policy);
        }
        long size = 0;
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            size += variable.getKey().getBytes(StandardCharsets.UTF_8).length
                    + variable.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > MAX_ENVIRONMENT_BYTES) {
            throw LambdaException.invalid("Lambda was unable to configure your environment variables because the "
                    + "environment variables you have provided exceeded the 4KB limit. String measured: %s",
                    ConfigJson.environment(variables));
        }
    }
}
