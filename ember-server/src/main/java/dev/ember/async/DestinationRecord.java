package dev.ember.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The record AWS sends to an asynchronous invocation's destination, field for field:
 *
 * <pre>{@code
 * {"version": "1.0", "timestamp": "2026-12-07T10:00:00.000Z",
 *  "requestContext": {"requestId": "...", "functionArn": "arn:...:function:name:$LATEST",
 *                     "condition": "Success" | "RetriesExhausted" | "EventAgeExceeded",
 *                     "approximateInvokeCount": 3},
 *  "requestPayload": <the event>,
 *  "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
 *  "responsePayload": <the response or error document>}
 * }</pre>
 *
 * {@code responseContext} and {@code responsePayload} are left out when the event never ran (it expired while
 * throttled).
 */
final class DestinationRecord {
    static final String SUCCESS = "Success";
    static final String RETRIES_EXHAUSTED = "RetriesExhausted";
    static final String EVENT_AGE_EXCEEDED = "EventAgeExceeded";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private DestinationRecord() {
    }

    static String of(String requestId, String functionArn, String condition, int invokeCount, String event,
                     Attempt last, Instant now) {
        ObjectNode record = JSON.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", TIMESTAMP.format(now));
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", requestId);
        context.put("functionArn", functionArn);
        context.put("condition", condition);
        context.put("approximateInvokeCount", invokeCount);
        record.set("requestPayload", json(event));
        if (last != null) {
            ObjectNode response = record.putObject("responseContext");
            response.put("statusCode", last.statusCode());
            response.put("executedVersion", last.executedVersion());
            if (last.functionError() != null) {
                response.put("functionError", last.functionError());
            }
            record.set("responsePayload", json(last.payload()));
        }
        return record.toString();
    }

    /** The document as JSON when it is JSON (events always are), else as a string, as AWS shows a text response. */
    private static JsonNode json(String document) {
        if (document == null || document.isEmpty()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(document);
        } catch (JsonProcessingException notJson) {
            return JSON.getNodeFactory().textNode(document);
        }
    }
}
