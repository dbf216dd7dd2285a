package dev.ember.lambda;

import java.util.Objects;

/**
 * Builds the ARNs Ember hands out. They have AWS's shape so that clients which parse ARNs keep working:
 * {@code arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]}.
 *
 * @param region  the region Ember reports, e.g. {@code us-east-1}
 * @param account the 12-digit account id Ember reports
 */
public record Arns(String region, String account) {

    /** The defaults: region {@code us-east-1}, account {@code 000000000000}. */
    public static Arns defaults() {
        return new Arns("us-east-1", "000000000000");
    }

    public Arns {
        Objects.requireNonNull(region);
        Objects.requireNonNull(account);
        if (!account.matches("\\d{12}")) {
            throw new IllegalArgumentException("account must be 12 digits, was " + account);
        }
    }

    /** The unqualified function ARN. */
    public String function(String name) {
        return "arn:aws:lambda:" + region + ':' + account + ":function:" + name;
    }

    /** The function ARN with a version or alias qualifier; {@code qualifier} null means unqualified. */
    public String function(String name, String qualifier) {
        return qualifier == null ? function(name) : function(name) + ':' + qualifier;
    }

    /**
     * The ARN of one of Ember's built-in queues (dead-letter queues and destinations), shaped as an SQS queue's so
     * that configurations written for AWS keep their form: {@code arn:aws:sqs:<region>:<account>:<name>}.
     */
    public String queue(String name) {
        return "arn:aws:sqs:" + region + ':' + account + ':' + name;
    }

    /**
     * The name of the built-in queue {@code arn} names, or null when it is not a queue ARN of this region and account.
     */
    public String queueName(String arn) {
        String prefix = queue("");
        return arn != null && arn.startsWith(prefix) && arn.length() > prefix.length()
                ? arn.substring(prefix.length()) : null;
    }

    /** Whether {@code arn} is a full function ARN of this region and account ({@code ...:function:name[:q]}). */
    public boolean isFunction(String arn) {
        return arn != null && arn.startsWith(function(""));
    }

    /** The ARN of the role used when a function is created without one. */
    public String defaultRole() {
        return "arn:aws:iam::" + account + ":role/ember-default";
    }
}
