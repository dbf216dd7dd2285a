package dev.ember.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.store.StoreException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored form of a configuration and of an alias's routing: JSON text with AWS's field names, written field by
 * field rather than by reflection so that renaming a Java component never changes what is on disk. Fields missing
 * in stored JSON read as their defaults, so adding a field needs no migration.
 */
final class ConfigJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigJson() {
    }

    /** The configuration without its name (the name is the row's key). */
    static String write(FunctionConfig config) {
        ObjectNode node = JSON.createObjectNode()
                .put("Runtime", config.runtime().id())
                .put("Handler", config.handler())
                .put("Role", config.role())
                .put("Description", config.description())
                .put("Timeout", config.timeoutSeconds())
                .put("MemorySize", config.memoryMb())
                .put("EphemeralStorage", config.ephemeralStorageMb());
        ObjectNode variables = node.putObject("Environment");
        new TreeMap<>(config.environment()).forEach(variables::put);
        if (config.deadLetterTargetArn() != null) {
            node.putObject("DeadLetterConfig").put("TargetArn", config.deadLetterTargetArn());
        }
        return node.toString();
    }

    static FunctionConfig read(String name, String json) {
        JsonNode node = parse(json);
        Map<String, String> environment = new LinkedHashMap<>();
        node.path("Environment").properties().forEach(e -> environment.put(e.getKey(), e.getValue().asText()));
        return new FunctionConfig(name,
                Runtime.fromId(node.path("Runtime").asText()),
                node.path("Handler").isNull() ? null : node.path("Handler").asText(null),
                node.path("Role").isNull() ? null : node.path("Role").asText(null),
                node.path("Description").asText(""),
                node.path("Timeout").asInt(FunctionConfig.DEFAULT_TIMEOUT_SECONDS),
                node.path("MemorySize").asInt(FunctionConfig.DEFAULT_MEMORY_MB),
                environment,
                node.path("EphemeralStorage").asInt(FunctionConfig.DEFAULT_EPHEMERAL_STORAGE_MB),
                node.path("DeadLetterConfig").path("TargetArn").asText(null));
    }

    /** {@code RoutingConfig.AdditionalVersionWeights} as a JSON object; {@code {}} when there is none. */
    static String writeRouting(Map<String, Double> weights) {
        ObjectNode node = JSON.createObjectNode();
        new TreeMap<>(weights).forEach(node::put);
        return node.toString();
    }

    static Map<String, Double> readRouting(String json) {
        Map<String, Double> weights = new LinkedHashMap<>();
        parse(json).properties().forEach(e -> weights.put(e.getKey(), e.getValue().asDouble()));
        return weights;
    }

    /** The variables as AWS shows them in its 4 KB error: a JSON object. */
    static String environment(Map<String, String> variables) {
        ObjectNode node = JSON.createObjectNode();
        variables.forEach(node::put);
        return node.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored JSON is unreadable: " + json, e);
        }
    }
}
