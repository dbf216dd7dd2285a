package dev.ember.lambda;

import java.util.regex.Pattern;

/**
 * A function as callers name it: a plain name, a partial ARN ({@code 123456789012:function:name}) or a full ARN,
 * each optionally followed by {@code :qualifier} (a version, {@code $LATEST} or an alias).
 *
 * @param name      the bare function name
 * @param qualifier the qualifier embedded in the reference, or null
 */
public record FunctionRef(String name, String qualifier) {
    /** Lambda's rule for a function name: 1 to 64 letters, digits, hyphens or underscores. */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    /** Lambda's rule for a qualifier: {@code $LATEST}, a version number or an alias name. */
    public static final Pattern QUALIFIER = Pattern.compile("\\$LATEST|[a-zA-Z0-9_-]{1,128}");

    private static final Pattern REFERENCE = Pattern.compile(
            "(?:arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\\d:)?(?:\\d{12}:)?(?:function:)?"
                    + "(?<name>[a-zA-Z0-9_-]+)(?::(?<qualifier>\\$LATEST|[a-zA-Z0-9_-]+))?");

    /**
     * Parses a function reference as the Lambda API accepts it in a path.
     *
     * @throws LambdaException InvalidParameterValueException naming the rule when it is not a valid reference
     */
    public static FunctionRef parse(String reference) {
        if (reference == null || reference.isEmpty()) {
            throw LambdaException.invalid("FunctionName must not be empty");
        }
        var matcher = REFERENCE.matcher(reference);
        if (reference.length() > 170 || !matcher.matches()) {
            throw LambdaException.invalid(
                    "1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: "
                            + "Member must satisfy regular expression pattern: "
                            + "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
                            + "([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", reference);
        }
        String name = matcher.group("name");
        if (name.length() > 64) {
            throw LambdaException.invalid(
                    "1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: "
                            + "Member must have length less than or equal to 64", name);
        }
        return new FunctionRef(name, matcher.group("qualifier"));
    }

    /**
     * Combines the qualifier embedded in the reference with one given separately (e.g. {@code ?Qualifier=}).
     *
     * @throws LambdaException InvalidParameterValueException when both are given and differ
     */
    public FunctionRef withQualifier(String explicit) {
        if (explicit == null || explicit.isEmpty()) {
            return this;
        }
        if (qualifier != null && !qualifier.equals(explicit)) {
            throw LambdaException.invalid(
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        if (!QUALIFIER.matcher(explicit).matches()) {
            throw LambdaException.invalid(
                    "1 validation error detected: Value '%s' at 'qualifier' failed to satisfy constraint: "
                            + "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)", explicit);
        }
        return new FunctionRef(name, explicit);
    }
}
