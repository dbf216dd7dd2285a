package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.async.EventInvokeConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code ember info}'s section on Event invocations: the function's backlog against its limit and the server's, what
 * became of its events since the server started, how each qualifier's events are retried and where they go, and the
 * function's dead-letter queue.
 *
 * @param report   Ember's {@code GET /ember/v1/functions/{name}/async}
 * @param function the FunctionConfiguration of {@code $LATEST}, for its {@code DeadLetterConfig}
 * @param now      for the age of the oldest event
 */
record AsynchronousInvocations(JsonNode report, JsonNode function, Instant now) implements InfoSection {
    private static final String SINCE_START = " (since the server started)";

    @Override
    public String title() {
        return "asynchronous invocations";
    }

    @Override
    public void printBody(PrintWriter out) {
        var table = new TextTable("  ")
                .row("backlog", "%d of %d (server: %d of %d)".formatted(report.path("Backlog").asInt(),
                        report.path("BacklogLimit").asInt(), report.path("TotalBacklog").asInt(),
                        report.path("TotalBacklogLimit").asInt()))
                .row("running", report.path("Running").asText())
                .row("oldest event", oldestEvent())
                .row("waiting to retry", report.path("WaitingToRetry").asText())
                .row("retries", "%d after function errors, %d after throttles".formatted(
                        report.path("Retries").asLong(), report.path("ThrottleRetries").asLong()) + SINCE_START)
                .row("outcomes", "%d succeeded, %d failed, %d discarded".formatted(report.path("Succeeded").asLong(),
                        report.path("Failed").asLong(), report.path("Discarded").asLong()) + SINCE_START);
        JsonNode configs = report.path("EventInvokeConfigs");
        if (configs.isEmpty()) {
            // The server applies Lambda's defaults to a qualifier without a configuration of its own.
            table.row("event config", "none; Lambda's defaults: " + Human.count(
                    EventInvokeConfig.DEFAULT_RETRY_ATTEMPTS, "retry", "retries") + ", events kept up to "
                    + Human.duration(Duration.ofSeconds(EventInvokeConfig.DEFAULT_EVENT_AGE_SECONDS))
                    + ", no destinations");
        }
        for (JsonNode config : configs) {
            table.row("config " + qualifier(config.path("FunctionArn").asText()), describe(config));
        }
        String deadLetters = function.path("DeadLetterConfig").path("TargetArn").asText("");
        table.row("dead-letter queue", deadLetters.isEmpty() ? "none" : deadLetters);
        table.print(out);
    }

    private String oldestEvent() {
        if (!report.hasNonNull("OldestEnqueuedAt")) {
            return "none";
        }
        String enqueued = report.get("OldestEnqueuedAt").asText();
        return enqueued + " (" + Human.ago(Instant.parse(enqueued), now) + ")";
    }

    /** {@code 1 retry, events kept up to 1h; on success: none; on failure: arn:aws:sqs:...}. */
    private static String describe(JsonNode config) {
        JsonNode destinations = config.path("DestinationConfig");
        return Human.count(config.path("MaximumRetryAttempts").asInt(), "retry", "retries")
                + ", events kept up to " + Human.duration(Duration.ofSeconds(
                        config.path("MaximumEventAgeInSeconds").asLong()))
                + "; on success: " + destination(destinations.path("OnSuccess"))
                + "; on failure: " + destination(destinations.path("OnFailure"));
    }

    private static String destination(JsonNode target) {
        String arn = target.path("Destination").asText("");
        return arn.isEmpty() ? "none" : arn;
    }

    /** The qualifier of {@code arn:aws:lambda:...:function:NAME:QUALIFIER}; an unqualified ARN is {@code $LATEST}'s. */
    private static String qualifier(String arn) {
        String function = arn.substring(arn.indexOf(":function:") + ":function:".length());
        int colon = function.indexOf(':');
        return colon < 0 ? "$LATEST" : function.substring(colon + 1);
    }
}
