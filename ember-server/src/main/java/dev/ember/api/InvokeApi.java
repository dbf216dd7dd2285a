package dev.ember.api;

import static dev.ember.api.Exchanges.body;
import dev.ember.async.AsyncInvocations;
import dev.ember.invoke.InvocationResult;
import dev.ember.invoke.InvokeRequest;
import dev.ember.invoke.Invoker;
import dev.ember.lambda.ErrorType;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Lambda's Invoke API: {@code POST /2015-03-31/functions/{name}/invocations}, synchronous ({@code RequestResponse}),
 * asynchronous ({@code Event}: 202 once the event is durable) or {@code DryRun}.
 */
final class InvokeApi implements HttpService {
    /** AWS's synchronous request payload limit. */
    static final int MAX_SYNC_PAYLOAD = 6_291_456;
    /** Ember's asynchronous request payload limit (AWS's is 1 MB too). */
    static final int MAX_ASYNC_PAYLOAD = 1_048_576;
    private static final int MAX_CLIENT_CONTEXT = 3583;
    private static final byte[] EMPTY_EVENT = "{}".getBytes(StandardCharsets.US_ASCII);

    private static final HeaderName INVOCATION_TYPE = HeaderNames.create("X-Amz-Invocation-Type");
    private static final HeaderName LOG_TYPE = HeaderNames.create("X-Amz-Log-Type");
    private static final HeaderName CLIENT_CONTEXT = HeaderNames.create("X-Amz-Client-Context");
    private static final HeaderName FUNCTION_ERROR = HeaderNames.create("X-Amz-Function-Error");
    private static final HeaderName LOG_RESULT = HeaderNames.create("X-Amz-Log-Result");
    private static final HeaderName EXECUTED_VERSION = HeaderNames.create("X-Amz-Executed-Version");

    private final Invoker invoker;
    private final AsyncInvocations async;
    private final FunctionRegistry registry;

    InvokeApi(Invoker invoker, AsyncInvocations async, FunctionRegistry registry) {
        this.invoker = invoker;
        this.async = async;
        this.registry = registry;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/2015-03-31/functions/{name}/invocations", this::invoke);
    }

    private void invoke(ServerRequest req, ServerResponse res) {
        FunctionRef ref = FunctionRef.parse(req.path().pathParameters().get("name"))
                .withQualifier(req.query().first("Qualifier").orElse(null));
        String type = req.headers().first(INVOCATION_TYPE).orElse("RequestResponse");
        String logType = req.headers().first(LOG_TYPE).orElse("None");
        if (!logType.equals("None") && !logType.equals("Tail")) {
            throw LambdaException.invalid("1 validation error detected: Value '%s' at 'logType' failed to satisfy "
                    + "constraint: Member must satisfy enum value set: [None, Tail]", logType);
        }
        String clientContext = clientContext(req.headers().first(CLIENT_CONTEXT).orElse(null));
        switch (type) {
            case "RequestResponse" -> {
                byte[] payload = body(req, MAX_SYNC_PAYLOAD, "the InvokeFunction operation");
                checkJson(payload);
                var request = new InvokeRequest(RequestId.of(req), ref.name(), ref.qualifier(),
                        payload.length == 0 ? EMPTY_EVENT : payload, logType.equals("Tail"), clientContext);
                send(res, invoker.invoke(request));
            }
            case "DryRun" -> {
                // DryRun checks that the function and qualifier exist and that the caller may invoke it.
                var version = registry.get(ref.name(), ref.qualifier());
                res.header(EXECUTED_VERSION, version.version());
                res.status(Status.NO_CONTENT_204).send();
            }
            case "Event" -> {
                byte[] payload = body(req, MAX_ASYNC_PAYLOAD, "the InvokeAsync operation");
                checkJson(payload);
                // The 202 goes out only once the event is durable: from here on it is delivered at least once.
                async.enqueue(RequestId.of(req), ref.name(), ref.qualifier(), payload.length == 0 ? EMPTY_EVENT
                        : payload, clientContext);
                res.status(Status.ACCEPTED_202).send();
            }
            default -> throw LambdaException.invalid("1 validation error detected: Value '%s' at 'invocationType' "
                    + "failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[Event, RequestResponse, DryRun]", type);
        }
    }

    private static void send(ServerResponse res, InvocationResult result) {
        switch (result) {
            case InvocationResult.Success success -> {
                res.header(EXECUTED_VERSION, success.executedVersion());
                logTail(res, success.logTail());
                Exchanges.sendJson(res, Status.OK_200, success.payload());
            }
            case InvocationResult.FunctionError error -> {
                res.header(EXECUTED_VERSION, error.executedVersion());
                res.header(FUNCTION_ERROR, "Unhandled");
                logTail(res, error.logTail());
                Exchanges.sendJson(res, Status.OK_200, error.payload());
            }
            case InvocationResult.Timeout timeout -> {
                res.header(EXECUTED_VERSION, timeout.executedVersion());
                res.header(FUNCTION_ERROR, "Unhandled");
                logTail(res, timeout.logTail());
                var body = LambdaWire.MAPPER.createObjectNode();
                body.put("errorType", "Sandbox.Timedout");
                body.put("errorMessage", "RequestId: %s Error: Task timed out after %.2f seconds"
                        .formatted(timeout.requestId(), timeout.timeoutSeconds()));
                Exchanges.sendJson(res, Status.OK_200, body.toString().getBytes(StandardCharsets.UTF_8));
            }
            case InvocationResult.Throttled throttled ->
                    throw LambdaException.throttled(throttled.reason(), 1, throttled.message());
        }
    }

    /**
     * The client context as runtimes receive it: AWS takes it base64-encoded and hands the decoded JSON to the
     * runtime's {@code Lambda-Runtime-Client-Context}.
     */
    private static String clientContext(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return null;
        }
        if (encoded.length() > MAX_CLIENT_CONTEXT) {
            throw LambdaException.invalid("Client context must be at most %d bytes (base64), was %d",
                    MAX_CLIENT_CONTEXT, encoded.length());
        }
        byte[] json;
        try {
            json = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw LambdaException.of(ErrorType.INVALID_REQUEST_CONTENT,
                    "Client context must be a valid Base64-encoded JSON object: %s", e.getMessage());
        }
        try {
            if (!LambdaWire.MAPPER.readTree(json).isObject()) {
                throw LambdaException.of(ErrorType.INVALID_REQUEST_CONTENT,
                        "Client context must be a valid Base64-encoded JSON object");
            }
        } catch (IOException e) {
            throw LambdaException.of(ErrorType.INVALID_REQUEST_CONTENT,
                    "Client context must be a valid Base64-encoded JSON object: %s", e.getMessage());
        }
        // Runtimes read it from a header: one line, as the JSON writer produces it.
        return new String(json, StandardCharsets.UTF_8).replace('\n', ' ').replace('\r', ' ');
    }

    private static void logTail(ServerResponse res, String tail) {
        if (tail != null) {
            res.header(LOG_RESULT, Base64.getEncoder().encodeToString(tail.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** AWS refuses an event that is not JSON before running anything. */
    private static void checkJson(byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        try (var parser = LambdaWire.MAPPER.createParser(payload)) {
            while (parser.nextToken() != null) {
                // Walking the tokens validates the document without building a tree.
            }
        } catch (IOException e) {
            throw LambdaException.of(ErrorType.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: %s", e.getMessage());
        }
    }
}
