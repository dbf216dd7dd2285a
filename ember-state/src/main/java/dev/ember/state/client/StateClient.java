package dev.ember.state.client;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import static dev.ember.state.client.StateWire.checkKey;
import static dev.ember.state.client.StateWire.encode;
import static dev.ember.state.client.StateWire.errorBody;
import static dev.ember.state.client.StateWire.etag;
import static dev.ember.state.client.StateWire.items;
import static dev.ember.state.client.StateWire.number;
import static dev.ember.state.client.StateWire.object;
import static dev.ember.state.client.StateWire.ok;
import static dev.ember.state.client.StateWire.optional;
import static dev.ember.state.client.StateWire.page;
import static dev.ember.state.client.StateWire.parseLong;
import static dev.ember.state.client.StateWire.utf8;
import static dev.ember.state.client.StateWire.version;

/**
 * {@link State} over the state API's HTTP contract ({@code docs/state-api.md}): the paths and headers of every
 * request; {@link StateWire} reads the answers.
 */
final class StateClient implements State {
    static final String PREFIX = "/ember/v1/state";
    static final String TOKEN_HEADER = "X-Ember-State-Token";
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** Of the 16 connections an environment's listener serves at once, what the client takes: the rest is the runtime's. */
    static final int ENVIRONMENT_CONNECTIONS = 12;
    static final int CONTROL_PLANE_CONNECTIONS = 64;
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,140}");

    private static volatile StateClient shared;

    /** Null when the client could not be made, as {@link #problem} says. */
    private final HttpTransport transport;
    private final String problem;
    /** The path prefix of every request, e.g. {@code /ember/v1/state}. */
    private final String base;
    /** The function's own namespace, or null on the control plane. */
    private final String own;

    private StateClient(HttpTransport transport, String problem, String base, String own) {
        this.transport = transport;
        this.problem = problem;
        this.base = base;
        this.own = own;
    }

    /** The transport. @throws IllegalStateException when the environment did not give one */
    private HttpTransport http() {
        if (transport == null) {
            throw new IllegalStateException(problem);
        }
        return transport;
    }

    /** The process's client from {@link System#getenv()}, made on first use. */
    static StateClient shared() {
        StateClient client = shared;
        if (client == null) {
            synchronized (StateClient.class) {
                client = shared;
                if (client == null) {
                    client = fromEnvironment(System.getenv());
                    shared = client;
                }
            }
        }
        return client;
    }

    /**
     * A client from the environment's variables. Missing or malformed ones fail the first call that needs them, not
     * this one: a handler's static initialiser then also runs where there is no state API (a JDK AOT cache's training
     * run, a unit test), as long as it does not use it there.
     */
    static StateClient fromEnvironment(Map<String, String> environment) {
        String problem = null;
        HttpTransport http = null;
        String function = environment.get("AWS_LAMBDA_FUNCTION_NAME");
        for (String name : List.of("AWS_LAMBDA_RUNTIME_API", "EMBER_STATE_TOKEN", "AWS_LAMBDA_FUNCTION_NAME")) {
            String value = environment.get(name);
            if (problem == null && (value == null || value.isBlank())) {
                problem = name + " is not set: State.fromEnvironment() works inside an Ember function, where Ember "
                        + "sets AWS_LAMBDA_RUNTIME_API, EMBER_STATE_TOKEN and AWS_LAMBDA_FUNCTION_NAME; from outside "
                        + "use State.connect(URI) with the server's address";
            }
        }
        if (problem == null) {
            String api = environment.get("AWS_LAMBDA_RUNTIME_API").strip();
            int colon = api.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(api.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port <= 0 || port > 65535) {
                problem = "AWS_LAMBDA_RUNTIME_API must be host:port, was '" + api + "'";
            } else {
                String host = api.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                http = new HttpTransport("http", host, port, READ_TIMEOUT, ENVIRONMENT_CONNECTIONS, TOKEN_HEADER,
                        environment.get("EMBER_STATE_TOKEN").strip());
            }
        }
        return new StateClient(http, problem, PREFIX, problem == null ? function.strip() : null);
    }

    static StateClient connect(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the endpoint must be an http:// or https:// URI with a host, such as "
                    + "http://127.0.0.1:9000; was " + endpoint);
        }
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equalsIgnoreCase(scheme) ? 443 : 80;
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
        String host = endpoint.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new StateClient(new HttpTransport(scheme.toLowerCase(java.util.Locale.ROOT), host, port,
                READ_TIMEOUT, CONTROL_PLANE_CONNECTIONS), null, path.isEmpty() ? PREFIX : path, null);
    }

    @Override
    public Namespace namespace(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAMESPACE.matcher(name).matches()) {
            throw new IllegalArgumentException("a namespace's name is 1 to 140 letters, digits, '_', '.' or '-' "
                    + "(a function's name fits); was '" + name + "'");
        }
        return new NamespaceClient(name);
    }

    @Override
    public Namespace own() {
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        if (own == null) {
            throw new IllegalStateException("this client is connected to the control plane and belongs to no "
                    + "function; name the namespace with namespace(name)");
        }
        return namespace(own);
    }

    @Override
    public Transaction transaction() {
        return new Transaction(this);
    }

    @Override
    public List<NamespaceInfo> namespaces() {
        Map<?, ?> answer = object(ok(http().send("GET", base + "/namespaces", null, true), 200), "namespaces");
        List<NamespaceInfo> namespaces = new ArrayList<>();
        for (Object item : items(answer.get("namespaces"))) {
            Map<?, ?> namespace = (Map<?, ?>) item;
            List<String> grants = new ArrayList<>();
            for (Object grant : items(namespace.get("grants"))) {
                grants.add((String) grant);
            }
            namespaces.add(new NamespaceInfo((String) namespace.get("name"), number(namespace.get("keys")),
                    number(namespace.get("bytes")), grants));
        }
        return namespaces;
    }

    @Override
    public void close() {
        if (transport != null) {
            transport.close();
        }
    }

    @Override
    public String toString() {
        return "State[" + (transport == null ? "unavailable" : transport.origin()) + base + (own == null ? "" : ", function " + own) + "]";
    }

    /** {@code POST /transaction}. */
    List<Transaction.Outcome> commit(List<Transaction.Operation> operations) {
        StringBuilder body = new StringBuilder(64 * operations.size()).append("{\"operations\":[");
        for (int i = 0; i < operations.size(); i++) {
            body.append(i == 0 ? "" : ",").append(operations.get(i).json());
        }
        body.append("]}");
        HttpTransport.Response response = http().send("POST", base + "/transaction", utf8(body), false);
        if (response.status() == 412) {
            Map<?, ?> error = errorBody(response);
            if ("TransactionConflict".equals(error.get("errorType"))) {
                List<Integer> failed = new ArrayList<>();
                List<String> described = new ArrayList<>();
                for (Object index : items(error.get("failed"))) {
                    int i = (int) number(index);
                    failed.add(i);
                    described.add(i >= 0 && i < operations.size() ? operations.get(i).description() : "?");
                }
                StringBuilder message = new StringBuilder("the transaction was not applied: ");
                for (int i = 0; i < failed.size(); i++) {
                    message.append(i == 0 ? "" : ", ").append("operation ").append(failed.get(i)).append(" (")
                            .append(described.get(i)).append(")");
                }
                // The server's own message says the same by index; the operations named are what a reader needs.
                message.append(" failed");
                throw new TransactionConflictException(412, message.toString(), failed, described);
            }
        }
        Map<?, ?> answer = object(ok(response, 200), "transaction");
        List<Transaction.Outcome> outcomes = new ArrayList<>();
        for (Object item : items(answer.get("results"))) {
            Map<?, ?> result = item instanceof Map<?, ?> m ? m : Map.of();
            outcomes.add(new Transaction.Outcome(optional(result.get("version")), optional(result.get("value"))));
        }
        return outcomes;
    }

    /** {@link Namespace} of this client. */
    private final class NamespaceClient implements Namespace {
        private final String name;
        private final String keys;

        NamespaceClient(String name) {
            this.name = name;
            this.keys = base + "/namespaces/" + encode(name) + "/keys/";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Optional<Entry> get(String key) {
            checkKey(key);
            HttpTransport.Response response = http().send("GET", keys + encode(key), null, true);
            if (response.status() == 404 && "KeyNotFound".equals(errorBody(response).get("errorType"))) {
                return Optional.empty();
            }
            ok(response, 200);
            Instant expires = response.expiresAt() == null ? null
                    : Instant.ofEpochMilli(parseLong(response.expiresAt(), "X-Ember-Expires-At"));
            return Optional.of(new Entry(key, response.body(), etag(response), expires));
        }

        @Override
        public <T> Optional<T> get(String key, Class<T> type) {
            return get(key).map(entry -> entry.as(type));
        }

        @Override
        public long put(String key, Object value) {
            return put(key, value, Put.always());
        }

        @Override
        public long put(String key, Object value, Put how) {
            checkKey(key);
            Objects.requireNonNull(how, "how");
            byte[] body = utf8(Json.write(value));
            List<String> headers = new ArrayList<>(4);
            if (how.expected() > 0) {
                headers.add("If-Match");
                headers.add("\"" + how.expected() + "\"");
            } else if (how.expected() == Put.PRESENT) {
                headers.add("If-Match");
                headers.add("*");
            } else if (how.expected() == 0) {
                headers.add("If-None-Match");
                headers.add("*");
            }
            if (how.ttlOrNull() != null) {
                headers.add("X-Ember-Ttl-Seconds");
                headers.add(Long.toString(how.ttlOrNull().toSeconds()));
            }
            HttpTransport.Response response = http().send("PUT", keys + encode(key), body, how.expected() == -1,
                    headers.toArray(String[]::new));
            return version(object(ok(response, 200), "put"));
        }

        @Override
        public void delete(String key) {
            checkKey(key);
            ok(http().send("DELETE", keys + encode(key), null, true), 204);
        }

        @Override
        public void delete(String key, long version) {
            checkKey(key);
            if (version <= 0) {
                throw new IllegalArgumentException("a version is a positive integer, was " + version);
            }
            ok(http().send("DELETE", keys + encode(key), null, false, "If-Match", "\"" + version + "\""), 204);
        }

        @Override
        public long increment(String key) {
            return increment(key, 1);
        }

        @Override
        public long increment(String key, long delta) {
            return increment(key, "{\"delta\":" + delta + "}");
        }

        @Override
        public long increment(String key, long delta, Duration ttl) {
            return increment(key, "{\"delta\":" + delta + ",\"ttlSeconds\":" + Put.checkTtl(ttl).toSeconds() + "}");
        }

        private long increment(String key, String body) {
            checkKey(key);
            HttpTransport.Response response = http().send("POST", base + "/namespaces/" + encode(name) + "/increment/"
                    + encode(key), utf8(body), false);
            return number(object(ok(response, 200), "increment").get("value"));
        }

        @Override
        public Page list(String prefix, String startAfter, int limit) {
            Objects.requireNonNull(prefix, "prefix");
            if (limit < 1 || limit > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("a page holds 1 to " + MAX_PAGE_SIZE + " keys, asked for "
                        + limit);
            }
            StringBuilder path = new StringBuilder(keys.length() + 64).append(keys, 0, keys.length() - 1).append("?limit=").append(limit);
            if (!prefix.isEmpty()) {
                path.append("&prefix=").append(encode(prefix));
            }
            if (startAfter != null) {
                path.append("&startAfter=").append(encode(startAfter));
            }
            HttpTransport.Response response = ok(http().send("GET", path.toString(), null, true), 200);
            return page(response.body());
        }

        @Override
        public Iterable<Page> pages(String prefix) {
            return pages(prefix, DEFAULT_PAGE_SIZE);
        }

        @Override
        public Iterable<Page> pages(String prefix, int pageSize) {
            Objects.requireNonNull(prefix, "prefix");
            if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("a page holds 1 to " + MAX_PAGE_SIZE + " keys, asked for "
                        + pageSize);
            }
            return () -> new Iterator<>() {
                private Page next;
                private boolean done;
                private String after;

                @Override
                public boolean hasNext() {
                    if (next == null && !done) {
                        Page page = list(prefix, after, pageSize);
                        after = page.nextToken().orElse(null);
                        done = after == null;
                        next = page.entries().isEmpty() ? null : page;
                    }
                    return next != null;
                }

                @Override
                public Page next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Page page = next;
                    next = null;
                    return page;
                }
            };
        }

        @Override
        public void deleteAll() {
            ok(http().send("DELETE", base + "/namespaces/" + encode(name), null, true), 204);
        }

        @Override
        public List<String> grants() {
            Map<?, ?> answer = object(ok(http().send("GET", grantsPath(), null, true), 200), "grants");
            List<String> functions = new ArrayList<>();
            for (Object function : items(answer.get("functions"))) {
                functions.add((String) function);
            }
            return functions;
        }

        @Override
        public void grant(String function) {
            ok(http().send("PUT", grantsPath() + "/" + encode(checkFunction(function)), new byte[0], true), 200);
        }

        @Override
        public void revoke(String function) {
            ok(http().send("DELETE", grantsPath() + "/" + encode(checkFunction(function)), null, true), 204);
        }

        private String grantsPath() {
            return base + "/namespaces/" + encode(name) + "/grants";
        }

        private static String checkFunction(String function) {
            Objects.requireNonNull(function, "function");
            if (function.isEmpty()) {
                throw new IllegalArgumentException("a function's name is not empty");
            }
            return function;
        }

        @Override
        public String toString() {
            return "Namespace[" + name + "]";
        }
    }
}
