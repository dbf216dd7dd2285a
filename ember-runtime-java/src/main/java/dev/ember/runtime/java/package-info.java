/**
 * Ember's managed Java runtime ({@code java25}, {@code java21}): the process that runs inside an execution
 * environment, loads the function's handler and serves invocations over the Lambda Runtime API.
 *
 * <p>The server starts it as
 * <pre>{@code
 * java <flags> -cp ember-runtime-java.jar:jackson-databind.jar:jackson-core.jar:jackson-annotations.jar:aws-lambda-java-core.jar \
 *      dev.ember.runtime.java.RuntimeMain
 * }</pre>
 * with the environment variables Lambda sets ({@code AWS_LAMBDA_RUNTIME_API}, {@code _HANDLER},
 * {@code LAMBDA_TASK_ROOT}, {@code AWS_LAMBDA_FUNCTION_NAME}, ...). Everything except {@link
 * dev.ember.runtime.java.RuntimeMain} is package-private.
 *
 * <p>Start-up time is the point of this package: it talks HTTP over one plain socket, builds the error JSON by
 * hand, and touches Jackson only when the handler has typed input or output.
 */
package dev.ember.runtime.java;
