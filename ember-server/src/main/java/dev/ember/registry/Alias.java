package dev.ember.registry;

import java.util.Map;

/**
 * A named pointer to a published version, optionally splitting traffic with one more version.
 *
 * @param functionName             the function
 * @param name                     the alias name (not all digits)
 * @param functionVersion          the primary version
 * @param description              up to 256 characters
 * @param additionalVersionWeights {@code RoutingConfig.AdditionalVersionWeights}: version to weight in [0, 1]
 * @param revisionId               changes on every write of the alias
 */
public record Alias(String functionName, String name, String functionVersion, String description,
                    Map<String, Double> additionalVersionWeights, String revisionId) {
    public Alias {
        description = description == null ? "" : description;
        additionalVersionWeights = additionalVersionWeights == null ? Map.of() : Map.copyOf(additionalVersionWeights);
    }
}
