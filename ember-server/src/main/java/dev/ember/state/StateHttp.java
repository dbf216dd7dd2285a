package dev.ember.state;

/*
 * Longer than most classes here on purpose: it is the state API's wire format in one place (paths, parameters,
 * headers, bodies, errors), shared by the Runtime API listeners and the control plane, so that both servers speak
 * exactly the same API. The store and the access rules live elsewhere.
 */

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.runtimeapi.RuntimeApiExtension.Request;
import dev.ember.runtimeapi.RuntimeApiExtension.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The state API's requests and answers (docs/state-api.md), for one kind of caller: a function (through its
 * environment's Runtime API, limited to its namespaces) or the operator (the control plane, everything).
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
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,140}");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();
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
        if (rest.equals("/namespaces")) {
            requireMethod(request, "GET");
            requireOperator(caller);
            return namespaces();
        }
        if (!rest.startsWith("/namespaces/")) {
            throw unknown(request);
        }
        int slash = rest.indexOf('/', "/namespaces/".length());
        if (slash < 0) {
            String namespace = namespace(rest.substring("/namespaces/".length()));
            requireMethod(request, "DELETE");
            requireOperator(caller);
            noBody(request);
            store.deleteNamespace(namespace);
            return new Response(204, List.of(), EMPTY);
        }
        String namespace = namespace(rest.substring("/namespaces/".length(), slash));
        String tail = rest.substring(slash);
        if (tail.equals("/grants") || tail.startsWith("/grants/")) {
            requireOperator(caller);
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

    private static Operation operation(JsonNode node, int index) {
        String what = "operation " + index;
        if (node == null || !node.isObject()) {
            throw StateError.invalid("InvalidTransaction", "%s is not an object", what);
        }
        String op = textField(node, "op", what);
        String namespace = namespace(textField(node, "namespace", what));
        String key = keyField(textField(node, "key", what), what);
        Set<String> allowed = switch (op) {
            case "check" -> Set.of("op", "namespace", "key", "version");
            case "put" -> Set.of("op", "namespace", "key", "value", "ttlSeconds", "ifVersion");
            case "delete" -> Set.of("op", "namespace", "key", "ifVersion");
            case "increment" -> Set.of("op", "namespace", "key", "delta", "ttlSeconds");
            default -> throw StateError.invalid("InvalidTransaction", "%s: op %s is not one of check, put, delete,"
                    + " increment", what, shown(op));
        };
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw StateError.invalid("InvalidTransaction", "%s: a %s takes %s, not %s", what, op,
                        String.join(", ", allowed), shown(name));
            }
        }
        return switch (op) {
            case "check" -> {
                if (!node.has("version")) {
                    throw StateError.invalid("InvalidTransaction", "%s: a check needs a version (0: absent)", what);
                }
                yield new Operation.Check(namespace, key, versionField(node, "version", what));
            }
            case "put" -> {
                JsonNode value = node.get("value");
                if (value == null) {
                    throw StateError.invalid("InvalidTransaction", "%s: a put needs a value", what);
                }
                String json = value.toString();
                if (json.getBytes(UTF_8).length > MAX_VALUE_BYTES) {
                    throw valueTooLarge(json.getBytes(UTF_8).length);
                }
                yield new Operation.Put(namespace, key, json, ttlField(node, what),
                        node.has("ifVersion") ? versionField(node, "ifVersion", what) : null);
            }
            case "delete" -> new Operation.Delete(namespace, key,
                    node.has("ifVersion") ? versionField(node, "ifVersion", what) : null);
            default -> new Operation.Increment(namespace, key,
                    node.has("delta") ? integerField(node, "delta", what) : 1, ttlField(node, what));
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
        List<StateStore.Usage> usage = store.usage();
        Map<String, Set<String>> granted = grants.all();
        Set<String> names = new java.util.TreeSet<>(granted.keySet());
        usage.forEach(u -> names.add(u.namespace()));
        return json(200, List.of(), g -> {
            g.writeArrayFieldStart("namespaces");
            for (String name : names) {
                StateStore.Usage used = usage.stream().filter(u -> u.namespace().equals(name)).findFirst()
                        .orElse(new StateStore.Usage(name, 0, 0));
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

    private static StateError valueTooLarge(long size) {
        return new StateError(413, "ValueTooLarge", "A value is at most %d bytes; this one is %d", MAX_VALUE_BYTES,
                size);
    }

    static String namespace(String raw) {
        String namespace = decode(raw, "namespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw StateError.invalid("InvalidNamespace", "Namespace %s is not 1 to 140 of A-Z, a-z, 0-9, _ . -",
                    shown(namespace));
        }
        return namespace;
    }

    private static String key(String raw) {
        return keyField(decode(raw, "key"), "the path");
    }

    private static String keyField(String key, String where) {
        if (key.isEmpty()) {
            throw StateError.invalid("InvalidKey", "The key in %s is empty: a key is 1 to %d bytes of UTF-8", where,
                    MAX_KEY_BYTES);
        }
        int bytes = utf8Length(key);
        if (bytes > MAX_KEY_BYTES) {
            throw StateError.invalid("KeyTooLong", "The key in %s is %d bytes of UTF-8; at most %d", where, bytes,
                    MAX_KEY_BYTES);
        }
        return key;
    }

    /** The length of {@code s} in UTF-8; a lone surrogate (which a JSON escape can make) is no key. */
    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw StateError.invalid("InvalidKey", "A key must be valid Unicode: it has a lone surrogate");
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        return bytes;
    }

    /**
     * Percent-decodes a path segment (or query value, where {@code +} is a space) into UTF-8, strictly: a malformed
     * escape or invalid UTF-8 is refused, never replaced (two spellings of one key would be two keys).
     */
    static String decode(String raw, String what) {
        return decode(raw, what, false);
    }

    private static String decode(String raw, String what, boolean query) {
        if (raw.indexOf('%') < 0 && !(query && raw.indexOf('+') >= 0)) {
            return raw; // ASCII already: the request target is visible ASCII
        }
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw StateError.badRequest("The %s has a malformed percent-escape at character %d", what, i);
                }
                bytes[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                bytes[n++] = (byte) (query && c == '+' ? ' ' : c);
            }
        }
        try {
            return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw StateError.badRequest("The %s is not valid UTF-8 once percent-decoded", what);
        }
    }

    private static List<Map.Entry<String, String>> query(String query) {
        List<Map.Entry<String, String>> parameters = new ArrayList<>();
        if (query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals), "query", true);
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1), "query", true);
            parameters.add(Map.entry(name, value));
        }
        return parameters;
    }

    private static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw StateError.badRequest("limit must be 1 to %d, not %s", MAX_LIMIT, shown(value));
    }

    /** {@code If-Match: "v"} (or {@code *}: the key exists) and {@code If-None-Match: *} (it does not). */
    private static Long condition(Request request) {
        String ifMatch = request.header("if-match");
        String ifNoneMatch = request.header("if-none-match");
        if (ifMatch != null && ifNoneMatch != null) {
            throw StateError.badRequest("send If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.equals("*")) {
                throw StateError.badRequest("If-None-Match takes only *: the key must not exist");
            }
            return Operation.ABSENT;
        }
        if (ifMatch == null) {
            return null;
        }
        if (ifMatch.equals("*")) {
            return Operation.PRESENT;
        }
        String digits = ifMatch.length() >= 2 && ifMatch.startsWith("\"") && ifMatch.endsWith("\"")
                ? ifMatch.substring(1, ifMatch.length() - 1) : ifMatch;
        try {
            long version = Long.parseLong(digits);
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw StateError.badRequest("If-Match takes a version as the ETag gave it (\"17\") or *, not %s",
                shown(ifMatch));
    }

    private static Long ttl(String header) {
        if (header == null) {
            return null;
        }
        try {
            return ttlSeconds(Long.parseLong(header.strip()), "X-Ember-Ttl-Seconds");
        } catch (NumberFormatException e) {
            throw StateError.badRequest("X-Ember-Ttl-Seconds must be whole seconds, 1 to %d", MAX_TTL_SECONDS);
        }
    }

    private static Long ttlField(JsonNode node, String what) {
        if (!node.has("ttlSeconds") || node.get("ttlSeconds").isNull()) {
            return null;
        }
        return ttlSeconds(integerField(node, "ttlSeconds", what), what + ": ttlSeconds");
    }

    private static long ttlSeconds(long seconds, String what) {
        if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
            throw StateError.badRequest("%s must be 1 to %d seconds, not %d", what, MAX_TTL_SECONDS, seconds);
        }
        return seconds;
    }

    private static long integerField(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw StateError.badRequest("%s: %s must be a 64-bit integer", what, field);
        }
        return value.asLong();
    }

    private static long versionField(JsonNode node, String field, String what) {
        long version = integerField(node, field, what);
        if (version < 0) {
            throw StateError.badRequest("%s: %s must be a version (0: the key is absent)", what, field);
        }
        return version;
    }

    private static String textField(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw StateError.invalid("InvalidTransaction", "%s needs %s, a string", what, field);
        }
        return value.asText();
    }

    private static JsonNode object(byte[] body, String what) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // refused below
        }
        throw StateError.badRequest("The body of %s must be a JSON object", what);
    }

    /**
     * The value as sent, once it is known to be exactly one JSON document: streamed, not built into a tree (it is up
     * to 400 KB, on every put).
     */
    static String value(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first != null) {
                parser.skipChildren();
                if (parser.nextToken() == null) {
                    return new String(body, UTF_8);
                }
            }
        } catch (IOException e) {
            // refused below
        }
        throw StateError.invalid("InvalidValue", "The value must be one JSON document (object, array, string,"
                + " number, true, false or null)");
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** A name or key from the request, quoted and cut for an error message. */
    private static String shown(String text) {
        return '"' + (text.length() > 100 ? text.substring(0, 100) + "..." : text) + '"';
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
