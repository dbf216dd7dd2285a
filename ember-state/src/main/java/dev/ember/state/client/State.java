package dev.ember.state.client;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Ember's durable state: strongly consistent key-value namespaces whose values are JSON documents.
 *
 * <p>Inside a function:
 * <pre>{@code
 * private static final State STATE = State.fromEnvironment();
 *
 * public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
 *     Namespace mine = STATE.own();                       // the namespace named like the function
 *     long visits = mine.increment("visits");             // atomic, durable before it returns
 *     Optional<Entry> cart = mine.get("cart/" + event.get("user"));
 *     ...
 * }
 * }</pre>
 * From outside, over the control plane, with access to every namespace:
 * <pre>{@code
 * try (State state = State.connect(URI.create("http://127.0.0.1:9000"))) {
 *     state.namespace("orders").put("config", Map.of("limit", 10));
 *     state.namespace("orders").grant("reports");          // the function reports may use it too
 * }
 * }</pre>
 *
 * <p>Every write is committed and fsync'd when its method returns; a read sees every write that returned before it.
 * Instances are thread-safe and keep a few HTTP connections alive between calls; {@link #close()} releases them.
 * Failures are {@link StateException}s, with a subclass for each case a caller may want to handle.
 */
public interface State extends AutoCloseable {

    /**
     * The state of the function this process runs in, found through the environment Ember gives every function:
     * {@code AWS_LAMBDA_RUNTIME_API} (the address), {@code EMBER_STATE_TOKEN} (proof of the environment) and
     * {@code AWS_LAMBDA_FUNCTION_NAME} (its own namespace). It may use its own namespace and those granted to it;
     * others answer {@link AccessDeniedException}. The same instance every call; up to 12 requests at once, more
     * wait for a connection (the environment's listener serves 16, the runtime's own among them).
     *
     * <p>Outside an Ember function the calls of the client throw {@link IllegalStateException}, naming the missing
     * variable; this method does not, so that a static field holding it also initialises in a JDK AOT cache's
     * training run or a unit test.
     */
    static State fromEnvironment() {
        return StateClient.shared();
    }

    /**
     * As {@link #fromEnvironment()}, from the given variables (for tests, or a process that was handed them). A
     * variable missing, or an {@code AWS_LAMBDA_RUNTIME_API} that is no host:port, fails the client's first call with
     * an {@link IllegalStateException} saying so.
     */
    static State fromEnvironment(Map<String, String> environment) {
        return StateClient.fromEnvironment(environment);
    }

    /**
     * The state API of the Ember server at {@code endpoint}, e.g. {@code http://127.0.0.1:9000} (the Lambda API's
     * address; {@code /ember/v1/state} is added when the URI has no path), with full access to every namespace.
     *
     * @throws IllegalArgumentException if {@code endpoint} is not an http or https URI with a host
     */
    static State connect(URI endpoint) {
        return StateClient.connect(endpoint);
    }

    /**
     * A namespace by name, {@code [A-Za-z0-9_.-]{1,140}}; nothing is asked of the server until it is used.
     *
     * @throws IllegalArgumentException for a name that is no namespace's
     */
    Namespace namespace(String name);

    /**
     * The function's own namespace, named like it ({@code AWS_LAMBDA_FUNCTION_NAME}).
     *
     * @throws IllegalStateException on a client from {@link #connect}, which belongs to no function
     */
    Namespace own();

    /** A new transaction: operations on any namespaces the caller may use, applied all together or not at all. */
    Transaction transaction();

    /**
     * Control plane only: the namespaces that hold keys or grants, by name.
     *
     * @throws AccessDeniedException inside a function
     */
    List<NamespaceInfo> namespaces();

    /** Releases the kept-alive connections; the client stays usable and opens new ones when asked. */
    @Override
    void close();
}
