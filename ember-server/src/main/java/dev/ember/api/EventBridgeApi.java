package dev.ember.api;

import static dev.ember.api.Exchanges.body;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.lambda.LambdaException;
import dev.ember.schedule.ScheduleException;
import dev.ember.schedule.Schedules;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * EventBridge's scheduled rules on the AWS JSON 1.1 protocol ({@code POST /} with {@code X-Amz-Target:
 * AWSEvents.<Operation>}), so {@code aws events ... --endpoint-url} and the SDK's EventBridge client work: PutRule,
 * DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule, PutTargets, RemoveTargets, ListTargetsByRule.
 * Errors are JSON 1.1's: status 400 and {@code {"__type": ..., "message": ...}}.
 */
final class EventBridgeApi implements HttpService {
    private static final HeaderName TARGET = HeaderNames.create("X-Amz-Target");
    private static final String PREFIX = "AWSEvents.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Schedules schedules;

    EventBridgeApi(Schedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        String target = req.headers().first(TARGET).orElse("");
        if (!target.startsWith(PREFIX)) {
            error(res, 400, "UnknownOperationException", "POST / is EventBridge's API: X-Amz-Target must be "
                    + "AWSEvents.<Operation>, was '" + target + "'");
            return;
        }
        try {
            JsonNode in = read(req);
            ObjectNode out = JSON.createObjectNode();
            switch (target.substring(PREFIX.length())) {
                case "PutRule" -> out.put("RuleArn", schedules.ruleArn(schedules.putRule(text(in, "Name"),
                        text(in, "ScheduleExpression"), text(in, "State"), text(in, "Description")).name()));
                case "DescribeRule" -> describe(out, schedules.describe(required(in, "Name")));
                case "ListRules" -> {
                    ArrayNode rules = out.putArray("Rules");
                    schedules.list(text(in, "NamePrefix")).forEach(rule -> describe(rules.addObject(), rule));
                }
                case "DeleteRule" -> schedules.deleteRule(required(in, "Name"));
                case "EnableRule" -> schedules.setState(required(in, "Name"), true);
                case "DisableRule" -> schedules.setState(required(in, "Name"), false);
                case "PutTargets" -> {
                    List<Schedules.Target> targets = new ArrayList<>();
                    for (JsonNode t : in.path("Targets")) {
                        targets.add(new Schedules.Target(text(t, "Id"), text(t, "Arn"), text(t, "Input")));
                    }
                    failed(out, schedules.putTargets(required(in, "Rule"), targets));
                }
                case "RemoveTargets" -> {
                    List<String> ids = new ArrayList<>();
                    in.path("Ids").forEach(id -> ids.add(id.asText()));
                    failed(out, schedules.removeTargets(required(in, "Rule"), ids));
                }
                case "ListTargetsByRule" -> {
                    ArrayNode targets = out.putArray("Targets");
                    for (Schedules.Target t : schedules.targets(required(in, "Rule"))) {
                        ObjectNode node = targets.addObject().put("Id", t.id()).put("Arn", t.arn());
                        if (t.input() != null) {
                            node.put("Input", t.input());
                        }
                    }
                }
                default -> {
                    error(res, 400, "UnknownOperationException", "Ember's EventBridge serves scheduled rules: "
                            + "PutRule, DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule, PutTargets, "
                            + "RemoveTargets and ListTargetsByRule; " + target + " is not one of them");
                    return;
                }
            }
            res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            res.status(Status.OK_200).send(out.toString().getBytes(StandardCharsets.UTF_8));
        } catch (ScheduleException e) {
            error(res, 400, e.type(), e.getMessage());
        } catch (LambdaException e) {
            error(res, e.type().status(), e.type().wireName(), e.getMessage());
        }
    }

    private void describe(ObjectNode node, Schedules.Rule rule) {
        node.put("Name", rule.name()).put("Arn", schedules.ruleArn(rule.name()))
                .put("ScheduleExpression", rule.expression()).put("State", rule.state())
                .put("EventBusName", "default");
        if (!rule.description().isEmpty()) {
            node.put("Description", rule.description());
        }
        Instant next = schedules.nextFire(rule.name());
        if (next != null) {
            node.put("EmberNextFire", next.toString());
        }
    }

    private static void failed(ObjectNode out, List<Schedules.FailedEntry> failed) {
        out.put("FailedEntryCount", failed.size());
        ArrayNode entries = out.putArray("FailedEntries");
        failed.forEach(f -> entries.addObject().put("TargetId", f.targetId()).put("ErrorCode", f.errorCode())
                .put("ErrorMessage", f.errorMessage()));
    }

    private static JsonNode read(ServerRequest req) {
        byte[] body = body(req, MAX_REQUEST_BYTES, "an EventBridge operation");
        try {
            JsonNode node = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw ScheduleException.invalid("%s", "the request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ScheduleException.invalid("%s", "the request body is not JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String required(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            throw ScheduleException.invalid("%s", "1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static void error(ServerResponse res, int status, String type, String message) {
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.status(Status.create(status)).send(JSON.createObjectNode().put("__type", type).put("message", message)
                .toString().getBytes(StandardCharsets.UTF_8));
    }
}
