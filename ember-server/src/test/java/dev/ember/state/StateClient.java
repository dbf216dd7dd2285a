package dev.ember.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.testing.EmberTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * A function that speaks the state API from inside its environment, as any function would: a Python runtime that
 * runs the HTTP requests its event lists against {@code $AWS_LAMBDA_RUNTIME_API/ember/v1/state} with its
 * {@code EMBER_STATE_TOKEN}, and answers with what each got. Tests drive it through the Invoke API.
 */
public final class StateClient {
    public static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Event: {@code {"requests": [{"method", "path", "body"?, "headers"?, "token"?, "address"?, "times"?}]}}.
     * {@code token} replaces the environment's own (null: none is sent); {@code address} sends to another listener;
     * {@code times} repeats the request (answering only the count, or the first failure). A body that is not a string
     * is sent as its JSON. Answers {@code {"address", "stream", "results": [{"status", "body", "etag", "expires"}]}}.
     * Two loops run inside instead of requests: {@code "transfers": {"namespace", "accounts", "n", "seed"}} moves
     * money between {@code account-<i>} keys with compare-and-set transactions, retrying conflicts;
     * {@code "storm": {"namespace", "prefix", "n", "log"}} writes {@code a/<prefix>-<i>} and {@code b/<prefix>-<i>}
     * and increments {@code pairs} in one transaction each, appending each acknowledged one to the host file
     * {@code log} (the server must not sandbox).
     */
    static final String BOOTSTRAP = """
            #!/usr/bin/python3
            import http.client, json, os
            host = os.environ["AWS_LAMBDA_RUNTIME_API"]
            token = os.environ.get("EMBER_STATE_TOKEN")
            api = "/2018-06-01/runtime/invocation/"
            runtime = http.client.HTTPConnection(host)
            connections = {}

            def call(q):
                address = q.get("address", host)
                if address not in connections:
                    connections[address] = http.client.HTTPConnection(address, timeout=30)
                conn = connections[address]
                headers = dict(q.get("headers", {}))
                sent = q["token"] if "token" in q else token
                if sent is not None:
                    headers["X-Ember-State-Token"] = sent
                body = q.get("body")
                if body is not None and not isinstance(body, str):
                    body = json.dumps(body)
                data = None if body is None else body.encode()
                try:
                    conn.request(q["method"], "/ember/v1/state" + q["path"], body=data, headers=headers)
                    r = conn.getresponse()
                    text = r.read().decode()
                except OSError as e:
                    del connections[address]
                    return {"status": -1, "body": str(e)}
                return {"status": r.status, "body": text, "etag": r.getheader("ETag"),
                        "expires": r.getheader("X-Ember-Expires-At")}

            def transfers(spec):
                # Moves money between accounts with compare-and-set transactions, retrying on conflicts.
                import random
                rnd = random.Random(spec["seed"])
                ns, accounts, done, conflicts = spec["namespace"], spec["accounts"], 0, 0
                while done < spec["n"]:
                    a, b = rnd.sample(range(accounts), 2)
                    ra = call({"method": "GET", "path": "/namespaces/%s/keys/account-%d" % (ns, a)})
                    rb = call({"method": "GET", "path": "/namespaces/%s/keys/account-%d" % (ns, b)})
                    if ra["status"] != 200 or rb["status"] != 200:
                        return {"status": 500, "body": "read failed: %s %s" % (ra, rb)}
                    balance_a, balance_b = int(ra["body"]), int(rb["body"])
                    amount = rnd.randint(1, 50)
                    if balance_a < amount:
                        continue
                    ops = [{"op": "put", "namespace": ns, "key": "account-%d" % a, "value": balance_a - amount,
                            "ifVersion": int(ra["etag"].strip('"'))},
                           {"op": "put", "namespace": ns, "key": "account-%d" % b, "value": balance_b + amount,
                            "ifVersion": int(rb["etag"].strip('"'))}]
                    r = call({"method": "POST", "path": "/transaction", "body": {"operations": ops}})
                    if r["status"] == 200:
                        done += 1
                    elif r["status"] == 412:
                        conflicts += 1
                    else:
                        return r
                return {"status": 200, "done": done, "conflicts": conflicts}

            def storm(spec):
                # Writes pairs of keys and a counter in transactions; logs each acknowledged one to a host file.
                ns, fd, i = spec["namespace"], os.open(spec["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644), 0
                pad = "x" * spec.get("pad", 100)
                while i < spec["n"]:
                    key = "%s-%d" % (spec["prefix"], i)
                    ops = [{"op": "put", "namespace": ns, "key": "a/" + key, "value": {"i": i, "pad": pad}},
                           {"op": "put", "namespace": ns, "key": "b/" + key, "value": {"i": i, "pad": pad}},
                           {"op": "increment", "namespace": ns, "key": "pairs", "delta": 1}]
                    r = call({"method": "POST", "path": "/transaction", "body": {"operations": ops}})
                    if r["status"] != 200:
                        return r
                    os.write(fd, (key + "\\n").encode())
                    i += 1
                return {"status": 200, "done": i}

            while True:
                runtime.request("GET", api + "next")
                r = runtime.getresponse()
                request_id = r.getheader("Lambda-Runtime-Aws-Request-Id")
                event = json.loads(r.read())
                results = []
                if "transfers" in event:
                    results.append(transfers(event["transfers"]))
                if "storm" in event:
                    results.append(storm(event["storm"]))
                for q in event.get("requests", []):
                    times = q.get("times", 1)
                    if times == 1:
                        results.append(call(q))
                        continue
                    failed = None
                    for i in range(times):
                        result = call(q)
                        if result["status"] != 200:
                            failed = result
                            break
                    results.append(failed or {"status": 200, "done": times})
                body = json.dumps({"address": host, "stream": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"],
                                   "results": results}).encode()
                runtime.request("POST", api + request_id + "/response", body=body)
                runtime.getresponse().read()
            """;

    private final LambdaClient lambda;
    private final String function;

    private StateClient(LambdaClient lambda, String function) {
        this.lambda = lambda;
        this.function = function;
    }

    /** Deploys the function {@code name} and returns a client for it. */
    public static StateClient deploy(LambdaClient lambda, String name) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("none")
                .timeout(120).code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", BOOTSTRAP)))));
        return new StateClient(lambda, name);
    }

    /** Starts a request list. */
    public static Requests requests() {
        return new Requests();
    }

    /** The requests of one invocation. */
    public static final class Requests {
        final ArrayNode list = JSON.createArrayNode();

        public Requests add(String method, String path) {
            list.addObject().put("method", method).put("path", path);
            return this;
        }

        /** Sets {@code field} of the request added last. */
        public Requests with(String field, Object value) {
            ((ObjectNode) list.get(list.size() - 1)).set(field, JSON.valueToTree(value));
            return this;
        }

        public Requests header(String name, String value) {
            ObjectNode last = (ObjectNode) list.get(list.size() - 1);
            (last.has("headers") ? (ObjectNode) last.get("headers") : last.putObject("headers")).put(name, value);
            return this;
        }
    }

    /** Runs the requests in one invocation; the function's answer. */
    public JsonNode run(Requests requests) {
        ObjectNode event = JSON.createObjectNode();
        event.set("requests", requests.list);
        return invoke(event);
    }

    /** Invokes the function with {@code event}; its answer. */
    public JsonNode invoke(JsonNode event) {
        var response = lambda.invoke(b -> b.functionName(function)
                .payload(SdkBytes.fromUtf8String(event.toString())));
        String payload = response.payload().asUtf8String();
        if (response.functionError() != null) {
            throw new AssertionError("the function failed: " + payload);
        }
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one request; what it got. */
    public JsonNode one(String method, String path, Object body) {
        Requests requests = requests().add(method, path);
        if (body != null) {
            requests.with("body", body);
        }
        return run(requests).get("results").get(0);
    }

    /** The JSON body of a result. */
    public static JsonNode body(JsonNode result) {
        try {
            return JSON.readTree(result.get("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
