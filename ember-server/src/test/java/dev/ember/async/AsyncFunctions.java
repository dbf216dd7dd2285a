package dev.ember.async;

import static dev.ember.testing.EmberTestServer.zip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.Bootstraps;
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

    /** Deploys a {@link Bootstraps#RECORDING} function that fails its first {@code failures} attempts. */
    static Path deployRecording(LambdaClient lambda, String name, Path dir, int failures) {
        Path seen = dir.resolve(name + ".seen");
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("h")
                .environment(e -> e.variables(Map.of("SEEN_FILE", seen.toString(),
                        "FAILURES", Integer.toString(failures))))
                .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.RECORDING)))));
        return seen;
    }

    /** The request ids a {@link Bootstraps#RECORDING} function has seen, in order. */
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
