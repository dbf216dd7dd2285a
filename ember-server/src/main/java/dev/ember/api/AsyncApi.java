package dev.ember.api;

import static dev.ember.api.Exchanges.body;
import static dev.ember.api.Exchanges.sendJson;

import dev.ember.async.AsyncInvocations;
import dev.ember.async.Destination;
import dev.ember.async.EventInvokeConfig;
import dev.ember.async.EventInvokeConfigs;
import dev.ember.async.Queues;
import dev.ember.lambda.Arns;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Asynchronous invocation's configuration as AWS serves it (API version 2019-09-25: Put, Update, Get, Delete and
 * List FunctionEventInvokeConfig), and Ember's own view under {@code /ember/v1}: a function's backlog
 * ({@code GET /ember/v1/functions/{name}/async}) and the built-in queues ({@code GET /ember/v1/queues},
 * {@code GET /ember/v1/queues/{name}}, {@code POST /ember/v1/queues/{name}/redrive}).
 */
final class AsyncApi implements HttpService {
    private static final String PATH = "/2019-09-25/functions/{name}/event-invoke-config";
    private static final int MAX_REQUEST_BYTES = 8192;
    private static final int MAX_MESSAGES = 1000;

    private final AsyncInvocations async;
    private final Arns arns;

    AsyncApi(AsyncInvocations async, Arns arns) {
        this.async = async;
        this.arns = arns;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put(PATH, (req, res) -> put(req, res, true))
                .post(PATH, (req, res) -> put(req, res, false))
                .get(PATH, this::get)
                .delete(PATH, this::delete)
                .get(PATH + "/list", this::list)
                .get("/ember/v1/functions/{name}/async", this::stats)
                .get("/ember/v1/queues", this::queues)
                .get("/ember/v1/queues/{queue}", this::queue)
                .post("/ember/v1/queues/{queue}/redrive", this::redrive);
    }

    private void put(ServerRequest req, ServerResponse res, boolean replace) {
        FunctionRef ref = ref(req);
        RequestBody body = RequestBody.parse(body(req, MAX_REQUEST_BYTES, replace
                ? "the PutFunctionEventInvokeConfig operation" : "the UpdateFunctionEventInvokeConfig operation"));
        RequestBody destinations = body.object("DestinationConfig");
        var change = new EventInvokeConfigs.Change(body.integer("MaximumRetryAttempts"),
                body.integer("MaximumEventAgeInSeconds"), destination(destinations, "OnSuccess", replace),
                destination(destinations, "OnFailure", replace));
        EventInvokeConfig config = async.configs().put(ref.name(), ref.qualifier(), change, replace);
        sendJson(res, Status.OK_200, describe(config));
    }

    /**
     * A destination of the request: its ARN, {@code ""} to remove it, null to leave it (Update without it). A Put
     * without it has none.
     */
    private static String destination(RequestBody destinations, String field, boolean replace) {
        RequestBody target = destinations == null ? null : destinations.object(field);
        if (target == null) {
            return replace || destinations != null && destinations.has(field) ? "" : null;
        }
        String arn = target.string("Destination");
        return arn == null ? "" : arn;
    }

    private void get(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        sendJson(res, Status.OK_200, describe(async.configs().get(ref.name(), ref.qualifier())));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        async.configs().delete(ref.name(), ref.qualifier());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void list(ServerRequest req, ServerResponse res) {
        String name = FunctionRef.parse(req.path().pathParameters().get("name")).name();
        sendJson(res, Status.OK_200, QualifierPage.of(req, name, async.configs().list(name),
                EventInvokeConfig::qualifier, "FunctionEventInvokeConfigs", this::describe));
    }

    private Map<String, Object> describe(EventInvokeConfig config) {
        Map<String, Object> body = new LinkedHashMap<>();
        // AWS sends this LastModified as epoch seconds, unlike a function's.
        body.put("LastModified", config.lastModified().toEpochMilli() / 1000.0);
        body.put("FunctionArn", arns.function(config.function(), config.qualifier()));
        body.put("MaximumRetryAttempts", config.maximumRetryAttempts());
        body.put("MaximumEventAgeInSeconds", config.maximumEventAgeSeconds());
        body.put("DestinationConfig", Map.of("OnSuccess", target(config.onSuccess()),
                "OnFailure", target(config.onFailure())));
        return body;
    }

    private static Map<String, String> target(Destination destination) {
        return destination == null ? Map.of() : Map.of("Destination", destination.arn());
    }

    private void stats(ServerRequest req, ServerResponse res) {
        String name = FunctionRef.parse(req.path().pathParameters().get("name")).name();
        AsyncInvocations.Stats stats = async.stats(name);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Backlog", stats.backlog());
        body.put("BacklogLimit", stats.limits().backlogPerFunction());
        body.put("TotalBacklog", stats.totalBacklog());
        body.put("TotalBacklogLimit", stats.limits().backlogTotal());
        body.put("Running", stats.running());
        if (stats.oldest() != null) {
            body.put("OldestEnqueuedAt", stats.oldest().toString());
        }
        body.put("WaitingToRetry", stats.waitingToRetry());
        body.put("Retries", stats.retries());
        body.put("ThrottleRetries", stats.throttles());
        body.put("Succeeded", stats.succeeded());
        body.put("Failed", stats.failed());
        body.put("Discarded", stats.discarded());
        body.put("EventInvokeConfigs", async.configs().list(name).stream().map(this::describe).toList());
        sendJson(res, Status.OK_200, body);
    }

    private void queues(ServerRequest req, ServerResponse res) {
        sendJson(res, Status.OK_200, Map.of("Queues", async.queues().list().stream().map(AsyncApi::queue).toList()));
    }

    private static Map<String, Object> queue(Queues.QueueInfo queue) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", queue.name());
        body.put("Arn", queue.arn());
        body.put("Messages", queue.messages());
        if (queue.oldest() != null) {
            body.put("OldestSentAt", queue.oldest().toString());
        }
        body.put("CreatedAt", queue.created().toString());
        return body;
    }

    private void queue(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("queue");
        int max = req.query().first("MaxItems").map(text -> {
            try {
                int n = Integer.parseInt(text);
                if (n >= 1 && n <= MAX_MESSAGES) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw LambdaException.invalid("MaxItems must be 1 to %d, was %s", MAX_MESSAGES, text);
        }).orElse(100);
        Map<String, Object> body = queue(async.queues().get(name));
        body.put("MessageList", async.queues().messages(name, max).stream().map(message -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("MessageId", message.id());
            m.put("SentAt", message.sentAt().toString());
            m.put("Attributes", message.attributes());
            m.put("Body", message.body());
            return m;
        }).toList());
        sendJson(res, Status.OK_200, body);
    }

    private void redrive(ServerRequest req, ServerResponse res) {
        String queue = req.path().pathParameters().get("queue");
        RequestBody body = RequestBody.parse(body(req, MAX_REQUEST_BYTES, "the queue redrive operation"));
        FunctionRef target = FunctionRef.parse(body.requiredString("FunctionName"))
                .withQualifier(body.string("Qualifier"));
        AsyncInvocations.Redrive redrive = async.redrive(queue, target.name(), target.qualifier());
        sendJson(res, Status.OK_200, Map.of("Moved", redrive.moved(), "Left", redrive.left()));
    }

    private static FunctionRef ref(ServerRequest req) {
        return FunctionRef.parse(req.path().pathParameters().get("name"))
                .withQualifier(req.query().first("Qualifier").orElse(null));
    }
}
