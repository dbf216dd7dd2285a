package dev.ember.async;

import dev.ember.lambda.Arns;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import java.util.regex.Pattern;

/**
 * Where Ember sends the record of an asynchronous invocation (a destination) or its event (a dead-letter queue):
 * another function, invoked asynchronously with the record as its event, or one of Ember's built-in queues.
 */
public sealed interface Destination {
    /** A built-in queue's name: SQS's rule, 1 to 80 letters, digits, hyphens or underscores. */
    Pattern QUEUE_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,80}");

    /** The ARN the destination was configured with. */
    String arn();

    /**
     * A function of this server.
     *
     * @param qualifier the version or alias of the ARN, or null for {@code $LATEST}
     */
    record ToFunction(String arn, String name, String qualifier) implements Destination {
    }

    /** A built-in queue, named by an SQS-shaped ARN ({@code arn:aws:sqs:<region>:<account>:<name>}). */
    record ToQueue(String arn, String name) implements Destination {
    }

    /**
     * Parses a destination ARN.
     *
     * @throws LambdaException InvalidParameterValueException for anything but a function or built-in queue ARN of
     *                         this server's region and account
     */
    static Destination parse(String arn, Arns arns) {
        if (arns.isFunction(arn)) {
            FunctionRef ref = FunctionRef.parse(arn);
            return new ToFunction(arn, ref.name(), ref.qualifier());
        }
        String queue = arns.queueName(arn);
        if (queue != null && QUEUE_NAME.matcher(queue).matches()) {
            return new ToQueue(arn, queue);
        }
        throw LambdaException.invalid("The destination ARN %s is not supported: Ember delivers to its own functions "
                + "(%s) and built-in queues (%s, a name of 1 to 80 letters, digits, hyphens or underscores)",
                arn, arns.function("NAME[:QUALIFIER]"), arns.queue("NAME"));
    }
}
