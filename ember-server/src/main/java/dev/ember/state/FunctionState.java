package dev.ember.state;

import dev.ember.registry.FunctionRegistry;
import dev.ember.runtimeapi.RuntimeApiExtension;
import dev.ember.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Durable key-value state for functions (docs/state-api.md): namespaces of JSON values in the embedded store, served
 * to each function on its environment's Runtime API ({@link #forEnvironment}) and to operators on the control plane
 * ({@link #controlPlane}), with the same paths and bodies under {@code /ember/v1/state}.
 *
 * <pre>{@code
 * FunctionState state = FunctionState.open(database, registry, clock);
 * var factory = new EnvironmentFactory(..., state::forEnvironment);  // every environment serves it
 * RuntimeApiExtension.Response r = state.controlPlane().serve(request); // what the control plane routes to
 * }</pre>
 *
 * <p>A function may use its own namespace (named like it) and the namespaces granted to it on the control plane;
 * everything else is 403, whether the namespace has keys or not. A 2xx to a write means it is fsync'd; reads see every
 * acknowledged write; transactions are serializable. Expiry follows the injected clock. Thread-safe.
 */
public final class FunctionState implements AutoCloseable {
    /** The header a function's requests carry its environment's {@code EMBER_STATE_TOKEN} in. */
    public static final String TOKEN_HEADER = "x-ember-state-token";

    private final StateStore store;
    private final Grants grants;
    private final StateHttp http;
    private final RuntimeApiExtension controlPlane;

    private FunctionState(StateStore store, Grants grants) {
        this.store = store;
        this.grants = grants;
        this.http = new StateHttp(store, grants);
        var operator = new StateHttp.Caller.Operator();
        this.controlPlane = request -> http.serve(operator, request);
    }

    /**
     * Opens the state in {@code db} (its tables are schema step 7) and follows {@code registry}: a deleted function's
     * grants go with it, its namespace's keys stay (an operator removes them).
     */
    public static FunctionState open(Database db, FunctionRegistry registry, InstantSource clock) {
        Objects.requireNonNull(registry, "registry");
        var store = new StateStore(db, clock);
        var state = new FunctionState(store, new Grants(db, registry));
        registry.addListener((function, deleted) -> {
            if (deleted) {
                state.grants.reload(function); // the store's cascade has removed its rows
            }
        });
        return state;
    }

    /**
     * What one environment's Runtime API serves under {@code /ember/v1/state}: the state of {@code function} (read at
     * each request), to requests that carry {@code token} in {@value #TOKEN_HEADER}. Any other request is 403
     * {@code AccessDenied}, as is every request while the environment serves no function.
     *
     * @param function the function the environment serves now, or null
     * @param token    the environment's {@code EMBER_STATE_TOKEN}
     */
    public RuntimeApiExtension forEnvironment(Supplier<String> function, String token) {
        Objects.requireNonNull(function, "function");
        byte[] expected = token.getBytes(StandardCharsets.US_ASCII);
        return new RuntimeApiExtension() {
            @Override
            public RuntimeApiExtension.Response serve(RuntimeApiExtension.Request request) {
                String sent = request.header(TOKEN_HEADER);
                // Compared in constant time: the time of a refusal says nothing about how much of a guess was right.
                if (sent == null || !MessageDigest.isEqual(expected, sent.getBytes(StandardCharsets.UTF_8))) {
                    return StateHttp.denied("Access denied: send this environment's EMBER_STATE_TOKEN in the"
                            + " X-Ember-State-Token header");
                }
                String name = function.get();
                if (name == null) {
                    return StateHttp.denied("Access denied: this environment serves no function yet");
                }
                return http.serve(new StateHttp.Caller.Function(name, grants), request);
            }

            @Override
            public int maxBodyBytes() {
                return StateHttp.MAX_TRANSACTION_BYTES;
            }
        };
    }

    /** The state API for operators: every namespace, and the grants. */
    public RuntimeApiExtension controlPlane() {
        return controlPlane;
    }

    /** The largest request body the API reads (a transaction); the control plane reads up to this. */
    public static int maxRequestBytes() {
        return StateHttp.MAX_TRANSACTION_BYTES;
    }

    /**
     * Removes the rows of expired keys, which read as absent already. Called now and then by the server's
     * housekeeping.
     *
     * @return how many keys were removed
     */
    public int purgeExpired() {
        return store.purgeExpired();
    }

    /** Commits the writes submitted; later ones fail with 503. */
    @Override
    public void close() {
        store.close();
    }
}
