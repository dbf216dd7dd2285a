package dev.ember.registry;

import dev.ember.lambda.LambdaException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects broken constraints of one request and reports them the way AWS's request validation does:
 * {@code 2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value
 * greater than or equal to 1; Value ...}.
 */
final class Violations {
    private final List<String> messages = new ArrayList<>();

    Violations range(String field, long value, long min, long max) {
        if (value < min) {
            add(field, value, "Member must have value greater than or equal to " + min);
        } else if (value > max) {
            add(field, value, "Member must have value less than or equal to " + max);
        }
        return this;
    }

    Violations maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            add(field, value, "Member must have length less than or equal to " + max);
        }
        return this;
    }

    /** Length 1 to {@code max} and the whole value matching {@code pattern}; null fails as "must not be null". */
    Violations required(String field, String value, int max, Pattern pattern) {
        if (value == null) {
            messages.add("Value null at '" + field + "' failed to satisfy constraint: Member must not be null");
        } else if (value.isEmpty()) {
            add(field, value, "Member must have length greater than or equal to 1");
        } else if (value.length() > max) {
            add(field, value, "Member must have length less than or equal to " + max);
        } else {
            matches(field, value, pattern);
        }
        return this;
    }

    Violations matches(String field, String value, Pattern pattern) {
        if (value != null && !pattern.matcher(value).matches()) {
            add(field, value, "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
        return this;
    }

    void add(String field, Object value, String constraint) {
        messages.add("Value '" + value + "' at '" + field + "' failed to satisfy constraint: " + constraint);
    }

    /** A constraint whose message shows no value (AWS hides sensitive ones, e.g. environment variables). */
    void addWithoutValue(String field, String constraint) {
        messages.add("Value at '" + field + "' failed to satisfy constraint: " + constraint);
    }

    /** @throws LambdaException InvalidParameterValueException listing every violation, when there is one */
    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw LambdaException.invalid("%d validation error%s detected: %s", messages.size(),
                    messages.size() == 1 ? "" : "s", String.join("; ", messages));
        }
    }
}
