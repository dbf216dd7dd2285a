package dev.ember.invoke;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Provisioned concurrency configurations as Lambda has them: per published version or alias, a number of
 * environments kept initialised whatever the scaling policy would do. Durable (in the embedded store); the invoker
 * allocates the environments ({@link Invoker#scale()}) and reports how many are ready.
 *
 * <p>Thread-safe.
 */
public final class ProvisionedConcurrency {
    private final Database db;
    private final FunctionRegistry registry;
    private final ConcurrencyControls concurrency;
    private final InstantSource clock;
    /** By function name, then qualifier. */
    private final Map<String, Map<String, Config>> configs = new TreeMap<>();

    /**
     * One configuration.
     *
     * @param function     the function's name
     * @param qualifier    a version number or an alias name
     * @param requested    environments to keep initialised
     * @param lastModified when it was last set
     */
    public record Config(String function, String qualifier, int requested, Instant lastModified) {
    }

    private ProvisionedConcurrency(Database db, FunctionRegistry registry, ConcurrencyControls concurrency,
                                   InstantSource clock) {
        this.db = db;
        this.registry = registry;
        this.concurrency = concurrency;
        this.clock = clock;
    }

    /** The configurations stored in {@code db}; a function's go when it is deleted. */
    public static ProvisionedConcurrency open(Database db, FunctionRegistry registry, ConcurrencyControls concurrency,
                                              InstantSource clock) {
        var provisioned = new ProvisionedConcurrency(db, registry, concurrency, clock);
        List<Config> rows = db.read(c -> {
            List<Config> loaded = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT function_name, qualifier, requested, last_modified FROM provisioned_concurrency");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    loaded.add(new Config(rs.getString(1), rs.getString(2), rs.getInt(3),
                            Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
            return loaded;
        });
        rows.forEach(config -> provisioned.configs.computeIfAbsent(config.function(), f -> new TreeMap<>())
                .put(config.qualifier(), config));
        registry.addListener((name, deleted) -> provisioned.forgetIfGone(name));
        return provisioned;
    }

    /**
     * Sets the provisioned concurrency of {@code function}'s {@code qualifier} (PutProvisionedConcurrencyConfig);
     * durable when this returns.
     *
     * @throws LambdaException ResourceNotFoundException for an unknown function, version or alias;
     *                         InvalidParameterValueException for {@code $LATEST}, a count below 1, or more than the
     *                         function's reservation or the account's unreserved concurrency allows
     */
    public Config put(String function, String qualifier, int requested) {
        requireTarget(function, qualifier);
        if (requested < 1) {
            throw LambdaException.invalid("1 validation error detected: Value '%d' at 'provisionedConcurrentExecutions'"
                    + " failed to satisfy constraint: Member must have value greater than or equal to 1", requested);
        }
        synchronized (this) {
            int others = configs.getOrDefault(function, Map.of()).values().stream()
                    .filter(c -> !c.qualifier().equals(qualifier)).mapToInt(Config::requested).sum();
            var reserved = concurrency.reserved(function);
            if (reserved.isPresent() && others + requested > reserved.getAsInt()) {
                throw LambdaException.invalid("Requested Provisioned Concurrency should not be greater than the "
                        + "reservedConcurrentExecution for function (%d, of which %d provisioned on other versions "
                        + "and aliases)", reserved.getAsInt(), others);
            }
            if (reserved.isEmpty()) {
                int unreservedProvisioned = configs.entrySet().stream()
                        .filter(e -> concurrency.reserved(e.getKey()).isEmpty())
                        .flatMap(e -> e.getValue().values().stream())
                        .filter(c -> !(c.function().equals(function) && c.qualifier().equals(qualifier)))
                        .mapToInt(Config::requested).sum();
                int available = concurrency.unreserved() - concurrency.unreservedMinimum() - unreservedProvisioned;
                if (requested > available) {
                    throw LambdaException.invalid("Specified ConcurrentExecutions for function is greater than "
                            + "account's unreserved concurrency less its minimum of [%d]: at most %d can be "
                            + "provisioned", concurrency.unreservedMinimum(), Math.max(0, available));
                }
            }
            var config = new Config(function, qualifier, requested, clock.instant());
            db.inTransaction(c -> {
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO provisioned_concurrency "
                        + "(function_name, qualifier, requested, last_modified) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (function_name, qualifier) DO UPDATE SET requested = excluded.requested, "
                        + "last_modified = excluded.last_modified")) {
                    upsert.setString(1, function);
                    upsert.setString(2, qualifier);
                    upsert.setInt(3, requested);
                    upsert.setLong(4, config.lastModified().toEpochMilli());
                    return upsert.executeUpdate();
                }
            });
            configs.computeIfAbsent(function, f -> new TreeMap<>()).put(qualifier, config);
            return config;
        }
    }

    /**
     * The configuration of {@code function}'s {@code qualifier}.
     *
     * @throws LambdaException ProvisionedConcurrencyConfigNotFoundException when it has none
     */
    public synchronized Config get(String function, String qualifier) {
        registry.get(function, null);
        Config config = configs.getOrDefault(function, Map.of()).get(qualifier);
        if (config == null) {
            throw LambdaException.of(ErrorType.PROVISIONED_CONCURRENCY_CONFIG_NOT_FOUND,
                    "No Provisioned Concurrency Config found for this function");
        }
        return config;
    }

    /** {@code function}'s configurations, by qualifier. */
    public synchronized List<Config> list(String function) {
        registry.get(function, null);
        return List.copyOf(configs.getOrDefault(function, Map.of()).values());
    }

    /** Every configuration, by function and qualifier. */
    public synchronized List<Config> all() {
        return configs.values().stream().flatMap(m -> m.values().stream())
                .sorted(Comparator.comparing(Config::function).thenComparing(Config::qualifier)).toList();
    }

    /**
     * Removes the configuration of {@code function}'s {@code qualifier}; its environments are let go.
     *
     * @throws LambdaException ProvisionedConcurrencyConfigNotFoundException when it has none
     */
    public void delete(String function, String qualifier) {
        get(function, qualifier);
        synchronized (this) {
            remove(function, qualifier);
        }
    }

    private void remove(String function, String qualifier) {
        db.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement(qualifier == null
                    ? "DELETE FROM provisioned_concurrency WHERE function_name = ?"
                    : "DELETE FROM provisioned_concurrency WHERE function_name = ? AND qualifier = ?")) {
                delete.setString(1, function);
                if (qualifier != null) {
                    delete.setString(2, qualifier);
                }
                return delete.executeUpdate();
            }
        });
        if (qualifier == null) {
            configs.remove(function);
        } else {
            Map<String, Config> ofFunction = configs.get(function);
            ofFunction.remove(qualifier);
            if (ofFunction.isEmpty()) {
                configs.remove(function);
            }
        }
    }

    /** Checks that the qualifier names a published version or an alias of an existing function. */
    private void requireTarget(String function, String qualifier) {
        registry.get(function, null);
        if (qualifier == null || qualifier.isEmpty()) {
            throw LambdaException.invalid("1 validation error detected: Value null at 'qualifier' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        if (qualifier.equals(FunctionVersion.LATEST)) {
            throw LambdaException.invalid("Provisioned Concurrency Configs cannot be applied to unpublished function "
                    + "versions.");
        }
        if (qualifier.chars().allMatch(Character::isDigit)) {
            registry.get(function, qualifier);
        } else {
            registry.getAlias(function, qualifier);
        }
    }

    private synchronized void forgetIfGone(String function) {
        if (!configs.containsKey(function)) {
            return;
        }
        try {
            registry.get(function, null);
            // The function is still there: drop configurations of versions or aliases deleted with it.
            for (String qualifier : List.copyOf(configs.get(function).keySet())) {
                try {
                    requireTarget(function, qualifier);
                } catch (LambdaException gone) {
                    remove(function, qualifier);
                }
            }
        } catch (LambdaException gone) {
            remove(function, null);
        }
    }
}
