package dev.ember.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The CLI's only way to the server: AWS Lambda's REST-JSON control plane and Invoke API, EventBridge's scheduled rules
 * (AWS JSON 1.1), plus Ember's own endpoints (log stream, scaling, asynchronous backlog, built-in queues). Every
 * request and response shape the CLI uses is written here.
 *
 * <p>Failures arrive as {@link CliException}s that read well on one line: {@link LambdaApiException} for an error
 * answer of the API, {@link CliException#noServer} when nothing listens at the endpoint.
 */
final class ControlPlaneClient implements AutoCloseable {
    static final String FUNCTIONS = "/2015-03-31/functions";
    static final String LOGS = "/ember/v1/functions";
    static final String QUEUES = "/ember/v1/queues";
    /** EventBridge's AWS JSON 1.1 protocol: every operation is {@code POST /} with this target prefix. */
    static final String EVENTS_TARGET = "AWSEvents.";
    static final String EVENTS_CONTENT_TYPE = "application/x-amz-json-1.1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String endpoint;
    private final HttpClient http;

    /** A client of the server at {@code endpoint}, e.g. {@code http://127.0.0.1:9000}. */
    ControlPlaneClient(URI endpoint) {
        this.endpoint = endpoint.toString().replaceAll("/+$", "");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The result of a synchronous invocation. */
    record Invocation(byte[] payload, String functionError, String logTail) {
        /** {@code X-Amz-Function-Error}, e.g. {@code Unhandled}, when the function failed. */
        Optional<String> error() {
            return Optional.ofNullable(functionError);
        }

        /** The decoded {@code X-Amz-Log-Result}, when the log tail was asked for. */
        Optional<String> log() {
            return Optional.ofNullable(logTail);
        }
    }

    /** GetFunction: {@code {Configuration, Code}}, or empty when there is no such function. */
    Optional<JsonNode> findFunction(String name) {
        try {
            return Optional.of(getFunction(name));
        } catch (LambdaApiException e) {
            if (e.is("ResourceNotFoundException")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** GetFunction: {@code {Configuration, Code}}. */
    JsonNode getFunction(String name) {
        return send(request(FUNCTIONS + '/' + segment(name)).GET());
    }

    /** GetFunctionConfiguration of {@code $LATEST}, or of a version or alias with a qualifier. */
    JsonNode getFunctionConfiguration(String name, String qualifier) {
        return send(request(FUNCTIONS + '/' + segment(name) + "/configuration" + query("Qualifier", qualifier)).GET());
    }

    /** CreateFunction from a zip; returns the FunctionConfiguration. */
    JsonNode createFunction(String name, FunctionSettings settings, byte[] zip, boolean publish,
                            UploadProgress progress) {
        ObjectNode body = JSON.createObjectNode().put("FunctionName", name);
        settings.writeTo(body);
        body.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(zip));
        body.put("Publish", publish);
        return send(jsonRequest(FUNCTIONS).POST(progress.publisherOf(bytes(body))));
    }

    /** UpdateFunctionCode of {@code $LATEST} without publishing; returns the FunctionConfiguration. */
    JsonNode updateFunctionCode(String name, byte[] zip, UploadProgress progress) {
        ObjectNode body = JSON.createObjectNode()
                .put("ZipFile", Base64.getEncoder().encodeToString(zip))
                .put("Publish", false);
        return send(jsonRequest(FUNCTIONS + '/' + segment(name) + "/code").PUT(progress.publisherOf(bytes(body))));
    }

    /** UpdateFunctionConfiguration with the given settings; returns the FunctionConfiguration. */
    JsonNode updateFunctionConfiguration(String name, FunctionSettings settings) {
        ObjectNode body = JSON.createObjectNode();
        settings.writeTo(body);
        return send(jsonRequest(FUNCTIONS + '/' + segment(name) + "/configuration").PUT(json(body)));
    }

    /**
     * ListFunctions, every page; with {@code allVersions} each published version too ({@code FunctionVersion=ALL}).
     */
    List<JsonNode> listFunctions(boolean allVersions) {
        return pages(marker -> FUNCTIONS + query("FunctionVersion", allVersions ? "ALL" : null, "Marker", marker),
                "Functions");
    }

    /** ListVersionsByFunction, every page: {@code $LATEST} and each published version. */
    List<JsonNode> listVersions(String name) {
        return pages(marker -> FUNCTIONS + '/' + segment(name) + "/versions" + query("Marker", marker), "Versions");
    }

    /** ListAliases, every page. */
    List<JsonNode> listAliases(String name) {
        return pages(marker -> FUNCTIONS + '/' + segment(name) + "/aliases" + query("Marker", marker), "Aliases");
    }

    /** PublishVersion of the current {@code $LATEST}; returns the new version's FunctionConfiguration. */
    JsonNode publishVersion(String name, String description) {
        ObjectNode body = JSON.createObjectNode();
        if (description != null) {
            body.put("Description", description);
        }
        return send(jsonRequest(FUNCTIONS + '/' + segment(name) + "/versions").POST(json(body)));
    }

    /** CreateAlias; returns the AliasConfiguration. */
    JsonNode createAlias(String name, String alias, String version, Optional<VersionWeight> weight) {
        ObjectNode body = JSON.createObjectNode().put("Name", alias).put("FunctionVersion", version);
        if (weight.isPresent()) {
            routing(body, weight);
        }
        return send(jsonRequest(FUNCTIONS + '/' + segment(name) + "/aliases").POST(json(body)));
    }

    /** UpdateAlias; without a weight the routing is cleared, so all traffic goes to {@code version}. */
    JsonNode updateAlias(String name, String alias, String version, Optional<VersionWeight> weight) {
        ObjectNode body = JSON.createObjectNode().put("FunctionVersion", version);
        routing(body, weight);
        return send(jsonRequest(FUNCTIONS + '/' + segment(name) + "/aliases/" + segment(alias)).PUT(json(body)));
    }

    private static void routing(ObjectNode body, Optional<VersionWeight> weight) {
        ObjectNode weights = body.putObject("RoutingConfig").putObject("AdditionalVersionWeights");
        weight.ifPresent(w -> weights.put(w.version(), w.weight()));
    }

    /** Ember's scaling report of a function: policy, environments busy and idle, and the policy's explanation. */
    JsonNode getScaling(String name) {
        return send(request("/ember/v1/functions/" + segment(name) + "/scaling").GET());
    }

    /** GetFunctionConcurrency: {@code {"ReservedConcurrentExecutions": N}}, or {@code {}} without a reservation. */
    JsonNode getFunctionConcurrency(String name) {
        return send(request("/2019-09-30/functions/" + segment(name) + "/concurrency").GET());
    }

    /** ListProvisionedConcurrencyConfigs, every page. */
    List<JsonNode> listProvisionedConcurrency(String name) {
        return pages(marker -> "/2019-09-30/functions/" + segment(name) + "/provisioned-concurrency?List=ALL"
                + (marker == null ? "" : "&Marker=" + marker), "ProvisionedConcurrencyConfigs");
    }

    /** PutFunctionConcurrency. */
    JsonNode putFunctionConcurrency(String name, int reserved) {
        ObjectNode body = JSON.createObjectNode().put("ReservedConcurrentExecutions", reserved);
        return send(jsonRequest("/2017-10-31/functions/" + segment(name) + "/concurrency").PUT(json(body)));
    }

    /** DeleteFunctionConcurrency. */
    void deleteFunctionConcurrency(String name) {
        send(request("/2017-10-31/functions/" + segment(name) + "/concurrency").DELETE());
    }

    /** DeleteFunction: the whole function, or one version with a qualifier. */
    void deleteFunction(String name, String qualifier) {
        send(request(FUNCTIONS + '/' + segment(name) + query("Qualifier", qualifier)).DELETE());
    }

    /** Invoke, RequestResponse; {@code tail} asks for the last 4 KB of the invocation's log. */
    Invocation invoke(String name, String qualifier, byte[] payload, boolean tail) {
        HttpRequest.Builder request = request(FUNCTIONS + '/' + segment(name) + "/invocations"
                + query("Qualifier", qualifier))
                .header("X-Amz-Invocation-Type", "RequestResponse")
                .POST(BodyPublishers.ofByteArray(payload));
        if (tail) {
            request.header("X-Amz-Log-Type", "Tail");
        }
        HttpResponse<byte[]> response = exchange(request.build(), BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response, response.body());
        }
        String log = response.headers().firstValue("X-Amz-Log-Result")
                .map(encoded -> new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8))
                .orElse(null);
        return new Invocation(response.body(), response.headers().firstValue("X-Amz-Function-Error").orElse(null),
                log);
    }

    /**
     * Invoke, Event: the server answers 202 once the event is stored, and delivers it later with Lambda's retries.
     * Returns the event's request id ({@code X-Amzn-RequestId}), which every attempt, dead letter and destination
     * record of it carries.
     */
    String invokeAsync(String name, String qualifier, byte[] payload) {
        HttpRequest request = request(FUNCTIONS + '/' + segment(name) + "/invocations" + query("Qualifier", qualifier))
                .header("X-Amz-Invocation-Type", "Event")
                .POST(BodyPublishers.ofByteArray(payload))
                .build();
        HttpResponse<byte[]> response = exchange(request, BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response, response.body());
        }
        return response.headers().firstValue("X-Amzn-RequestId").orElseThrow(() -> new CliException(
                "the server at " + endpoint + " accepted the event but sent no X-Amzn-RequestId to track it by"));
    }

    /**
     * Ember's view of a function's asynchronous invocations: its backlog and the server's, what became of its events
     * since the server started, and its EventInvokeConfigs. Empty when the server answers 404: one from before
     * asynchronous invocation has no such endpoint.
     */
    Optional<JsonNode> findAsyncInvocations(String name) {
        try {
            return Optional.of(send(request("/ember/v1/functions/" + segment(name) + "/async").GET()));
        } catch (LambdaApiException e) {
            if (e.is("ResourceNotFoundException")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Ember's built-in queues, by name: {@code Name, Arn, Messages, OldestSentAt} (when not empty), {@code CreatedAt}.
     */
    List<JsonNode> listQueues() {
        List<JsonNode> queues = new ArrayList<>();
        send(request(QUEUES).GET()).path("Queues").forEach(queues::add);
        return queues;
    }

    /**
     * One built-in queue as {@link #listQueues} describes it, plus its oldest {@code max} messages (1 to 1000) in
     * {@code MessageList}: {@code MessageId, SentAt, Attributes, Body}.
     */
    JsonNode getQueue(String name, int max) {
        return send(request(QUEUES + '/' + segment(name) + query("MaxItems", Integer.toString(max))).GET());
    }

    /**
     * Turns the queue's messages back into events of {@code function} ({@code name} or {@code name:qualifier}):
     * {@code {"Moved": n, "Left": n}}, messages left when the function's backlog filled up.
     */
    JsonNode redriveQueue(String queue, String function) {
        ObjectNode body = JSON.createObjectNode().put("FunctionName", function);
        return send(jsonRequest(QUEUES + '/' + segment(queue) + "/redrive").POST(json(body)));
    }

    /**
     * EventBridge PutRule of a scheduled rule on the default bus, created or replaced; returns its {@code RuleArn}.
     */
    String putRule(String name, String expression, boolean enabled, String description) {
        ObjectNode body = JSON.createObjectNode().put("Name", name).put("ScheduleExpression", expression)
                .put("State", enabled ? "ENABLED" : "DISABLED");
        if (description != null) {
            body.put("Description", description);
        }
        return events("PutRule", body).path("RuleArn").asText();
    }

    /**
     * EventBridge ListRules, every page: {@code Name, Arn, ScheduleExpression, State, EventBusName, Description}
     * (when set) and Ember's {@code EmberNextFire} (an instant; absent for a rule that will not fire).
     */
    List<JsonNode> listRules(String namePrefix) {
        return eventPages("ListRules", body -> {
            if (namePrefix != null) {
                body.put("NamePrefix", namePrefix);
            }
        }, "Rules");
    }

    /** The rule called {@code name} as {@link #listRules} describes it, or empty when there is none. */
    Optional<JsonNode> findRule(String name) {
        return listRules(name).stream().filter(rule -> rule.path("Name").asText().equals(name)).findFirst();
    }

    /** EventBridge DeleteRule; refused (ValidationException) while the rule has targets. */
    void deleteRule(String name) {
        events("DeleteRule", JSON.createObjectNode().put("Name", name));
    }

    /**
     * EventBridge PutTargets of one target, added or replacing the target with its id; {@code input} (JSON) is sent
     * instead of the Scheduled Event when not null. Returns {@code {FailedEntryCount, FailedEntries: [{TargetId,
     * ErrorCode, ErrorMessage}]}}.
     */
    JsonNode putTarget(String rule, String id, String arn, String input) {
        ObjectNode body = JSON.createObjectNode().put("Rule", rule);
        ObjectNode target = body.putArray("Targets").addObject().put("Id", id).put("Arn", arn);
        if (input != null) {
            target.put("Input", input);
        }
        return events("PutTargets", body);
    }

    /** EventBridge ListTargetsByRule, every page: {@code Id, Arn, Input} (when set). */
    List<JsonNode> listTargetsByRule(String rule) {
        return eventPages("ListTargetsByRule", body -> body.put("Rule", rule), "Targets");
    }

    /** EventBridge RemoveTargets; answers as {@link #putTarget}. */
    JsonNode removeTargets(String rule, List<String> ids) {
        ObjectNode body = JSON.createObjectNode().put("Rule", rule);
        ids.forEach(body.putArray("Ids")::add);
        return events("RemoveTargets", body);
    }

    /**
     * Hands each log line of the function from {@code since} on to {@code sink} as it arrives; with {@code follow}
     * keeps reading until the server ends the stream.
     */
    void readLogs(String name, Instant since, boolean follow, Consumer<String> sink) {
        HttpRequest request = request(LOGS + '/' + segment(name) + "/logs"
                + query("since", Long.toString(since.toEpochMilli()), "follow", Boolean.toString(follow)))
                .GET().build();
        HttpResponse<InputStream> response = exchange(request, BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() >= 400) {
                throw error(response, body.readAllBytes());
            }
            var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                sink.accept(line);
            }
        } catch (IOException e) {
            throw new CliException("the log stream from " + endpoint + " broke: " + describe(e), e);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private List<JsonNode> pages(Function<String, String> pathOfPage, String itemsField) {
        List<JsonNode> items = new ArrayList<>();
        String marker = null;
        do {
            JsonNode page = send(request(pathOfPage.apply(marker)).GET());
            page.path(itemsField).forEach(items::add);
            String next = page.path("NextMarker").asText("");
            marker = next.isEmpty() || next.equals(marker) ? null : next;
        } while (marker != null);
        return items;
    }

    /** An EventBridge operation on the AWS JSON 1.1 protocol: {@code POST /}, {@code X-Amz-Target: AWSEvents.op}. */
    private JsonNode events(String operation, ObjectNode body) {
        try {
            return send(request("/")
                    .header("X-Amz-Target", EVENTS_TARGET + operation)
                    .header("Content-Type", EVENTS_CONTENT_TYPE)
                    .POST(json(body)));
        } catch (LambdaApiException e) {
            if (e.is("ResourceNotFoundException") && e.getMessage().contains("Unknown operation POST /")) {
                throw new CliException("the server at " + endpoint + " does not serve EventBridge's API (POST / "
                        + "with X-Amz-Target: " + EVENTS_TARGET + operation + "): it is older than schedules", e);
            }
            throw e;
        }
    }

    /** Every page of an EventBridge List operation, following {@code NextToken}. */
    private List<JsonNode> eventPages(String operation, Consumer<ObjectNode> request, String itemsField) {
        List<JsonNode> items = new ArrayList<>();
        String token = null;
        do {
            ObjectNode body = JSON.createObjectNode();
            request.accept(body);
            if (token != null) {
                body.put("NextToken", token);
            }
            JsonNode page = events(operation, body);
            page.path(itemsField).forEach(items::add);
            String next = page.path("NextToken").asText("");
            token = next.isEmpty() || next.equals(token) ? null : next;
        } while (token != null);
        return items;
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(endpoint + pathAndQuery));
    }

    private HttpRequest.Builder jsonRequest(String pathAndQuery) {
        return request(pathAndQuery).header("Content-Type", "application/json");
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<byte[]> response = exchange(request.build(), BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw error(response, response.body());
        }
        if (response.body().length == 0) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliException("the server at " + endpoint + " answered " + request.build().method() + ' '
                    + request.build().uri().getPath() + " with something other than JSON: " + describe(e), e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            if (isConnectFailure(e)) {
                throw CliException.noServer(endpoint);
            }
            throw new CliException("lost the connection to the Ember server at " + endpoint + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    private static boolean isConnectFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The error of an answer with status >= 400: {@code X-Amzn-ErrorType} (REST-JSON), else the body's {@code __type}
     * (JSON 1.1, e.g. EventBridge's), and the body's {@code Message} or {@code message}.
     */
    private static LambdaApiException error(HttpResponse<?> response, byte[] body) {
        int status = response.statusCode();
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String message = text;
        String bodyType = null;
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && json.isObject()) {
                message = json.hasNonNull("Message") ? json.get("Message").asText() : json.path("message").asText(text);
                // JSON 1.1 may qualify the name: "com.amazonaws.events#ValidationException".
                bodyType = json.hasNonNull("__type") ? json.get("__type").asText().replaceFirst("^.*#", "") : null;
            }
        } catch (JacksonException notJson) {
            // keep the text as the message
        }
        String typeInBody = bodyType;
        String type = response.headers().firstValue("X-Amzn-ErrorType")
                .or(() -> Optional.ofNullable(typeInBody))
                .map(value -> value.split(":", 2)[0].trim())
                .filter(value -> !value.isEmpty())
                .orElse("HTTP " + status);
        if (message.isEmpty()) {
            message = "the server answered " + response.request().method() + ' ' + response.request().uri().getPath()
                    + " with status " + status;
        }
        return new LambdaApiException(type, message.replaceAll("\\s*\\R\\s*", " "));
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static BodyPublisher json(ObjectNode body) {
        return BodyPublishers.ofByteArray(bytes(body));
    }

    /** One path segment, percent-encoded (function names may be ARNs with colons). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code ?k=v&...} of the pairs whose value is not null, or the empty string. */
    static String query(String... keysAndValues) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                pairs.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        StringBuilder query = new StringBuilder();
        pairs.forEach((key, value) -> query.append(query.isEmpty() ? '?' : '&').append(key).append('=')
                .append(segment(value)));
        return query.toString();
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
