package dev.ember.state;

import static dev.ember.state.StateInput.condition;
import static dev.ember.state.StateInput.decode;
import static dev.ember.state.StateInput.integerField;
import static dev.ember.state.StateInput.isBlank;
import static dev.ember.state.StateInput.key;
import static dev.ember.state.StateInput.limit;
import static dev.ember.state.StateInput.namespace;
import static dev.ember.state.StateInput.object;
import static dev.ember.state.StateInput.operation;
import static dev.ember.state.StateInput.query;
import static dev.ember.state.StateInput.shown;
import static dev.ember.state.StateInput.ttl;
import static dev.ember.state.StateInput.ttlField;
import static dev.ember.state.StateInput.value;
import static dev.ember.state.StateInput.valueTooLarge;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.runtimeapi.RuntimeApiExtension.Request;
import dev.ember.runtimeapi.RuntimeApiExtension.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state API's routes and answers (docs/state-api.md), shared by the Runtime API listeners and the control plane
 * so that both speak exactly the same API, for one kind of caller: a function (through its environment's Runtime
 * API, limited to its namespaces) or the operator (the control plane, everything). What requests carry is read and
 * checked by {@link StateInput}; the keys are {@link StateStore}'s; who may use what is {@link Grants}'.
 */
final class StateHttp {
    static final String PREFIX = "/ember/v1/state";
    static final int MAX_VALUE_BYTES = 400 * 1024;
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_TRANSACTION_BYTES = 4 << 20;
    static final int MAX_TRANSACTION_OPERATIONS = 100;
    static final int MAX_SMALL_BODY_BYTES = 64 * 1024;
    static final long MAX_TTL_SECONDS = 365L * 24 * 3600;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final JsonFactory JSON = StateInput.JSON;
    private static final byte[] EMPTY = new byte[0];

    /** Who is asking. */
    sealed interface Caller {
        /** Whether the caller may use {@code namespace}. */
        boolean mayUse(String namespace);

        /** The operator, on the control plane: every namespace, and the grants. */
        record Operator() implements Caller {
            @Override
            public boolean mayUse(String namespace) {
                return true;
            }
        }

        /** A function: its own namespace and those granted to it. */
        record Function(String name, Grants grants) implements Caller {
            @Override
            public boolean mayUse(String namespace) {
                return grants.allows(name, namespace);
            }
        }
    }

    private final StateStore store;
    private final Grants grants;

    StateHttp(StateStore store, Grants grants) {
        this.store = store;
        this.grants = grants;
    }

    /** Answers {@code request}, whose path starts with {@link #PREFIX} (else 404 UnknownOperation). */
    Response serve(Caller caller, Request request) {
        try {
            return route(caller, request);
        } catch (StateError e) {
            return error(e.status(), e.type(), e.getMessage(), null);
        }
    }

    /** A 403 {@code AccessDenied} with {@code message}. */
    static Response denied(String message) {
        return error(403, "AccessDenied", message, null);
    }

    private Response route(Caller caller, Request request) {
        String path = request.path();
        if (!path.startsWith(PREFIX + "/")) {
            throw unknown(request);
        }
        String rest = path.substring(PREFIX.length());
        if (rest.equals("/transaction")) {
            requireMethod(request, "POST");
            return transaction(caller, request);
        }
        // On control-plane-only paths the caller is checked first: a function is told 403 whatever else is wrong.
        if (rest.equals("/namespaces")) {
            requireOperator(caller);
            requireMethod(request, "GET");
            return namespaces();
        }
        if (!rest.startsWith("/namespaces/")) {
            throw unknown(request);
        }
        int slash = rest.indexOf('/', "/namespaces/".length());
        if (slash < 0) {
            requireOperator(caller);
            String namespace = namespace(rest.substring("/namespaces/".length()));
            requireMethod(request, "DELETE");
            noBody(request);
            store.deleteNamespace(namespace);
            return new Response(204, List.of(), EMPTY);
        }
        String tail = rest.substring(slash);
        boolean grantsPath = tail.equals("/grants") || tail.startsWith("/grants/");
        if (grantsPath) {
            requireOperator(caller);
        }
        String namespace = namespace(rest.substring("/namespaces/".length(), slash));
        if (grantsPath) {
            return grants(request, namespace, tail);
        }
        requireAccess(caller, namespace);
        if (tail.equals("/keys")) {
            requireMethod(request, "GET");
            return list(request, namespace);
        }
        if (tail.startsWith("/keys/")) {
            String key = key(tail.substring("/keys/".length()));
            return switch (request.method()) {
                case "GET" -> get(request, namespace, key);
                case "PUT" -> put(request, namespace, key);
                case "DELETE" -> delete(request, namespace, key);
                default -> throw methodNotAllowed(request, "GET, PUT, DELETE");
            };
        }
        if (tail.startsWith("/increment/")) {
            requireMethod(request, "POST");
            return increment(request, namespace, key(tail.substring("/increment/".length())));
        }
        throw unknown(request);
    }

    private Response get(Request request, String namespace, String key) {
        noBody(request);
        StateStore.Entry entry = store.get(namespace, key);
        if (entry == null) {
            throw new StateError(404, "KeyNotFound", "Key not found: %s in namespace %s", shown(key), namespace);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(2);
        headers.add(Map.entry("ETag", etag(entry.version())));
        if (entry.expiresAt() != null) {
            headers.add(Map.entry("X-Ember-Expires-At", Long.toString(entry.expiresAt())));
        }
        return new Response(200, headers, entry.value().getBytes(UTF_8));
    }

    private Response put(Request request, String namespace, String key) {
        if (request.bodySize() > MAX_VALUE_BYTES) {
            throw valueTooLarge(request.bodySize());
        }
        String value = value(request.body());
        Long ifVersion = condition(request);
        Long ttl = ttl(request.header("x-ember-ttl-seconds"));
        var put = new Operation.Put(namespace, key, value, ttl, ifVersion);
        Operation.Result result = single(store.write(List.of(put)), key);
        return json(200, List.of(Map.entry("ETag", etag(result.version()))), g -> {
            g.writeNumberField("version", result.version());
        });
    }

    private Response delete(Request request, String namespace, String key) {
        noBody(request);
        single(store.write(List.of(new Operation.Delete(namespace, key, condition(request)))), key);
        return new Response(204, List.of(), EMPTY);
    }

    private Response increment(Request request, String namespace, String key) {
        if (request.bodySize() > MAX_SMALL_BODY_BYTES) {
            throw tooLarge(MAX_SMALL_BODY_BYTES, "an increment");
        }
        long delta = 1;
        Long ttl = null;
        if (request.bodySize() > 0 && !isBlank(request.body())) {
            JsonNode body = object(request.body(), "the increment");
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("delta") && !name.equals("ttlSeconds")) {
                    throw StateError.badRequest("unknown field %s in the increment: it takes delta and ttlSeconds",
                            shown(name));
                }
            }
            if (body.has("delta")) {
                delta = integerField(body, "delta", "the increment");
            }
            ttl = ttlField(body, "the increment");
        }
        Operation.Result result = single(store.write(List.of(new Operation.Increment(namespace, key, delta, ttl))),
                key);
        return json(200, List.of(Map.entry("ETag", etag(result.version()))), g -> {
            g.writeNumberField("value", result.total());
            g.writeNumberField("version", result.version());
        });
    }

    /** The result of a one-operation write, or its failure as that request's error. */
    private static Operation.Result single(StateStore.Outcome outcome, String key) {
        return switch (outcome) {
            case StateStore.Outcome.Applied applied -> applied.results().getFirst();
            case StateStore.Outcome.Conflict conflict -> throw new StateError(412, "PreconditionFailed",
                    "The condition on key %s does not hold: it is not at the version given", shown(key));
            case StateStore.Outcome.NotCounted refused -> throw new StateError(409, refused.type(),
                    refused.message());
        };
    }

    private Response list(Request request, String namespace) {
        noBody(request);
        String prefix = "";
        String startAfter = null;
        int limit = DEFAULT_LIMIT;
        for (Map.Entry<String, String> parameter : query(request.query())) {
            switch (parameter.getKey()) {
                case "prefix" -> prefix = parameter.getValue();
                case "startAfter" -> startAfter = parameter.getValue();
                case "limit" -> limit = limit(parameter.getValue());
                default -> throw StateError.badRequest("unknown parameter %s: listing takes prefix, limit and"
                        + " startAfter", shown(parameter.getKey()));
            }
        }
        StateStore.Page page = store.list(namespace, prefix, startAfter, limit);
        return json(200, List.of(), g -> {
            g.writeArrayFieldStart("items");
            for (StateStore.Entry entry : page.entries()) {
                g.writeStartObject();
                g.writeStringField("key", entry.key());
                g.writeFieldName("value");
                g.writeRawValue(entry.value());
                g.writeNumberField("version", entry.version());
                if (entry.expiresAt() != null) {
                    g.writeNumberField("expiresAt", entry.expiresAt());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (page.next() != null) {
                g.writeStringField("nextToken", page.next());
            }
        });
    }

    private Response transaction(Caller caller, Request request) {
        if (request.bodySize() > MAX_TRANSACTION_BYTES) {
            throw tooLarge(MAX_TRANSACTION_BYTES, "a transaction");
        }
        JsonNode body = object(request.body(), "the transaction");
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("operations")) {
                throw StateError.invalid("InvalidTransaction", "unknown field %s: a transaction is"
                        + " {\"operations\": [...]}", shown(name));
            }
        }
        JsonNode list = body.get("operations");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_TRANSACTION_OPERATIONS) {
            throw StateError.invalid("InvalidTransaction", "a transaction is {\"operations\": [...]} with 1 to %d"
                    + " operations", MAX_TRANSACTION_OPERATIONS);
        }
        List<Operation> operations = new ArrayList<>(list.size());
        Set<List<String>> keys = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Operation operation = operation(list.get(i), i);
            if (!keys.add(List.of(operation.namespace(), operation.key()))) {
                throw StateError.invalid("InvalidTransaction", "operation %d names key %s of namespace %s again:"
                        + " a key may appear in one operation of a transaction", i, shown(operation.key()),
                        operation.namespace());
            }
            operations.add(operation);
        }
        // Every namespace is checked before anything runs: a refused transaction has no effect and tells nothing.
        for (Operation operation : operations) {
            requireAccess(caller, operation.namespace());
        }
        return switch (store.write(operations)) {
            case StateStore.Outcome.Applied applied -> json(200, List.of(), g -> {
                g.writeArrayFieldStart("results");
                for (Operation.Result result : applied.results()) {
                    g.writeStartObject();
                    if (result.total() != null) {
                        g.writeNumberField("value", result.total());
                    }
                    if (result.version() > 0) {
                        g.writeNumberField("version", result.version());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
            case StateStore.Outcome.Conflict conflict -> error(412, "TransactionConflict",
                    "The conditions of operations " + conflict.failed() + " do not hold; nothing was applied",
                    conflict.failed());
            case StateStore.Outcome.NotCounted refused -> error(409, refused.type(),
                    "Operation " + refused.index() + ": " + refused.message() + "; nothing was applied",
                    List.of(refused.index()));
        };
    }

    private Response grants(Request request, String namespace, String tail) {
        noBody(request);
        if (tail.equals("/grants")) {
            requireMethod(request, "GET");
            List<String> functions = grants.functions(namespace);
            return json(200, List.of(), g -> {
                g.writeStringField("namespace", namespace);
                g.writeArrayFieldStart("functions");
                for (String function : functions) {
                    g.writeString(function);
                }
                g.writeEndArray();
            });
        }
        String function = decode(tail.substring("/grants/".length()), "function name");
        switch (request.method()) {
            case "PUT" -> {
                grants.grant(namespace, function);
                return json(200, List.of(), g -> {
                    g.writeStringField("namespace", namespace);
                    g.writeStringField("function", function);
                });
            }
            case "DELETE" -> {
                grants.revoke(namespace, function);
                return new Response(204, List.of(), EMPTY);
            }
            default -> throw methodNotAllowed(request, "PUT, DELETE");
        }
    }

    private Response namespaces() {
        Map<String, StateStore.Usage> usage = new java.util.HashMap<>();
        store.usage().forEach(u -> usage.put(u.namespace(), u));
        Map<String, Set<String>> granted = grants.all();
        Set<String> names = new TreeSet<>(granted.keySet());
        names.addAll(usage.keySet());
        return json(200, List.of(), g -> {
            g.writeArrayFieldStart("namespaces");
            for (String name : names) {
                StateStore.Usage used = usage.getOrDefault(name, new StateStore.Usage(name, 0, 0));
                g.writeStartObject();
                g.writeStringField("name", name);
                g.writeNumberField("keys", used.keys());
                g.writeNumberField("bytes", used.bytes());
                g.writeArrayFieldStart("grants");
                for (String function : granted.getOrDefault(name, Set.of())) {
                    g.writeString(function);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private static void requireAccess(Caller caller, String namespace) {
        if (!caller.mayUse(namespace)) {
            // The same answer whether the namespace has keys or not: a function learns nothing by probing.
            throw StateError.denied("Access denied to namespace %s: a function may use its own namespace and the"
                    + " ones granted to it", namespace);
        }
    }

    private static void requireOperator(Caller caller) {
        if (!(caller instanceof Caller.Operator)) {
            throw StateError.denied("Access denied: namespaces and grants are managed on Ember's control plane");
        }
    }

    private static void requireMethod(Request request, String method) {
        if (!request.method().equals(method)) {
            throw methodNotAllowed(request, method);
        }
    }

    private static StateError methodNotAllowed(Request request, String allowed) {
        return new StateError(405, "MethodNotAllowed", "%s is not allowed on %s: it takes %s", request.method(),
                request.path(), allowed);
    }

    private static StateError unknown(Request request) {
        return new StateError(404, "UnknownOperation", "Unknown operation %s %s", request.method(),
                shown(request.path()));
    }

    private static void noBody(Request request) {
        if (request.bodySize() > MAX_SMALL_BODY_BYTES) {
            throw tooLarge(MAX_SMALL_BODY_BYTES, "this request");
        }
    }

    private static StateError tooLarge(int limit, String what) {
        return new StateError(413, "RequestTooLarge", "The body of %s must be at most %d bytes", what, limit);
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static Response json(int status, List<Map.Entry<String, String>> headers, Fields fields) {
        var out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Response(status, headers, out.toByteArray());
    }

    private static Response error(int status, String type, String message, List<Integer> failed) {
        return json(status, List.of(), g -> {
            g.writeStringField("errorType", type);
            g.writeStringField("errorMessage", message);
            if (failed != null) {
                g.writeArrayFieldStart("failed");
                for (int index : failed) {
                    g.writeNumber(index);
                }
                g.writeEndArray();
            }
        });
    }
}
