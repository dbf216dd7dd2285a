package dev.ember.async;

import static dev.ember.testing.EmberTestServer.zip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** Functions for asynchronous invocation tests, and reads of Ember's queue endpoints. */
final class AsyncFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AsyncFunctions() {
    }

    /**
     * A runtime that appends each request id it is given to {@code $SEEN_FILE} (a host path: the server must not
     * sandbox), fails with a {@code Flaky} error while the file has at most {@code $FAILURES} lines, and then
     * answers {@code {"ok": <attempt>, "event": EVENT}}. It exits when the Runtime API is gone (its server was killed).
     */
    static final String RECORDING = """
            #!/bin/sh
            set -u
            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
            headers="$(mktemp)"
            while true; do
              EVENT=$(curl -sSf -D "$headers" "$api/invocation/next") || exit 1
              REQUEST_ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d: -f2 | tr -d '[:space:]')
              echo "$REQUEST_ID" >> "$SEEN_FILE"
              n=$(wc -l < "$SEEN_FILE" | tr -d ' ')
              if [ "$n" -le "$FAILURES" ]; then
                printf '{"errorMessage":"attempt %s failed","errorType":"Flaky","stackTrace":[]}' "$n" \\
                  | curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Flaky' --data-binary @- \\
                    "$api/invocation/$REQUEST_ID/error"
              else
                printf '{"ok":%s,"event":%s}' "$n" "$EVENT" | curl -sS -o /dev/null -X POST --data-binary @- \\
                  "$api/invocation/$REQUEST_ID/response"
              fi
            done
            """;

    /** Deploys a {@link #RECORDING} function that fails its first {@code failures} attempts. */
    static Path deployRecording(LambdaClient lambda, String name, Path dir, int failures) {
        Path seen = dir.resolve(name + ".seen");
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("h")
                .environment(e -> e.variables(Map.of("SEEN_FILE", seen.toString(),
                        "FAILURES", Integer.toString(failures))))
                .code(c -> c.zipFile(zip(Map.of("bootstrap", RECORDING)))));
        return seen;
    }

    /** The request ids a {@link #RECORDING} function has seen, in order. */
    static List<String> seen(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList()
                : List.of();
    }

    static JsonNode get(URI endpoint, String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return JSON.readTree(http.send(HttpRequest.newBuilder(endpoint.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    /** The messages of a built-in queue, oldest first; empty when it has none (or does not exist yet). */
    static List<JsonNode> messages(URI endpoint, String queue) throws IOException, InterruptedException {
        JsonNode list = get(endpoint, "/ember/v1/queues/" + queue).path("MessageList");
        List<JsonNode> messages = new ArrayList<>();
        list.forEach(messages::add);
        return messages;
    }

    static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }
}
