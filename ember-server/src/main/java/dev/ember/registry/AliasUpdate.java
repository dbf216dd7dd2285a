package dev.ember.registry;

import java.util.Map;

/** A partial change of an alias (UpdateAlias); null components are left as they are. */
public record AliasUpdate(String functionVersion, String description, Map<String, Double> additionalVersionWeights) {
}
