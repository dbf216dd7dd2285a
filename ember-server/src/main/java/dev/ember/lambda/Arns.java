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

    /** The ARN of the role used when a function is created without one. */
    public String defaultRole() {
        return "arn:aws:iam::" + account + ":role/ember-default";
    }
}
