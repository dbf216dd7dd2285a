package dev.ember.async;

import dev.ember.lambda.Arns;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The asynchronous invocation configurations of every function (PutFunctionEventInvokeConfig and the rest): durable
 * in the embedded store, read from memory on every delivery. A function's go when it is deleted.
 *
 * <p>Thread-safe.
 */
public final class EventInvokeConfigs {
    private final Database db;
    private final FunctionRegistry registry;
    private final Arns arns;
    private final InstantSource clock;
    /** By function name, then qualifier. */
    private final Map<String, Map<String, EventInvokeConfig>> configs = new TreeMap<>();

    /**
     * A change of a configuration; a null component is left as it is (Update) or takes its default (Put). A
     * destination of {@code ""} removes it.
     */
    public record Change(Integer maximumRetryAttempts, Integer maximumEventAgeSeconds, String onSuccess,
                         String onFailure) {
    }

    EventInvokeConfigs(Database db, FunctionRegistry registry, Arns arns, InstantSource clock) {
        this.db = db;
        this.registry = registry;
        this.arns = arns;
        this.clock = clock;
        List<EventInvokeConfig> rows = db.read(c -> {
            List<EventInvokeConfig> loaded = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT function_name, qualifier, max_retry_attempts, "
                    + "max_event_age, on_success, on_failure, last_modified FROM event_invoke_configs");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    loaded.add(new EventInvokeConfig(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                            destination(rs.getString(5)), destination(rs.getString(6)),
                            Instant.ofEpochMilli(rs.getLong(7))));
                }
            }
            return loaded;
        });
        rows.forEach(config -> configs.computeIfAbsent(config.function(), f -> new TreeMap<>())
                .put(config.qualifier(), config));
    }

    /**
     * Sets the configuration of {@code function}'s {@code qualifier} (null for {@code $LATEST}), replacing what was
     * there (PutFunctionEventInvokeConfig) or changing only what {@code change} names (Update); durable when this
     * returns. Queues it names come into being.
     *
     * @throws LambdaException ResourceNotFoundException for an unknown function, version or alias, or destination
     *                         function; InvalidParameterValueException for a value out of range or a destination
     *                         Ember cannot deliver to
     */
    public EventInvokeConfig put(String function, String qualifier, Change change, boolean replace) {
        String q = requireTarget(function, qualifier);
        synchronized (this) {
            EventInvokeConfig current = replace ? EventInvokeConfig.defaults(function, q)
                    : find(function, q);
            int retries = change.maximumRetryAttempts() != null ? change.maximumRetryAttempts()
                    : current.maximumRetryAttempts();
            int age = change.maximumEventAgeSeconds() != null ? change.maximumEventAgeSeconds()
                    : current.maximumEventAgeSeconds();
            if (retries < 0 || retries > EventInvokeConfig.MAX_RETRY_ATTEMPTS) {
                throw LambdaException.invalid("1 validation error detected: Value '%d' at 'maximumRetryAttempts' "
                        + "failed to satisfy constraint: Member must have value between 0 and %d", retries,
                        EventInvokeConfig.MAX_RETRY_ATTEMPTS);
            }
            if (age < EventInvokeConfig.MIN_EVENT_AGE_SECONDS || age > EventInvokeConfig.MAX_EVENT_AGE_SECONDS) {
                throw LambdaException.invalid("1 validation error detected: Value '%d' at 'maximumEventAgeInSeconds' "
                        + "failed to satisfy constraint: Member must have value between %d and %d", age,
                        EventInvokeConfig.MIN_EVENT_AGE_SECONDS, EventInvokeConfig.MAX_EVENT_AGE_SECONDS);
            }
            Destination onSuccess = change.onSuccess() == null ? current.onSuccess()
                    : checkDestination(function, change.onSuccess());
            Destination onFailure = change.onFailure() == null ? current.onFailure()
                    : checkDestination(function, change.onFailure());
            var config = new EventInvokeConfig(function, q, retries, age, onSuccess, onFailure, clock.instant());
            db.inTransaction(c -> {
                for (Destination destination : new Destination[] {onSuccess, onFailure}) {
                    if (destination instanceof Destination.ToQueue queue) {
                        Queues.ensure(c, queue.name(), config.lastModified());
                    }
                }
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO event_invoke_configs "
                        + "(function_name, qualifier, max_retry_attempts, max_event_age, on_success, on_failure, "
                        + "last_modified) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (function_name, qualifier) DO "
                        + "UPDATE SET max_retry_attempts = excluded.max_retry_attempts, max_event_age = "
                        + "excluded.max_event_age, on_success = excluded.on_success, on_failure = "
                        + "excluded.on_failure, last_modified = excluded.last_modified")) {
                    upsert.setString(1, function);
                    upsert.setString(2, q);
                    upsert.setInt(3, retries);
                    upsert.setInt(4, age);
                    upsert.setString(5, onSuccess == null ? null : onSuccess.arn());
                    upsert.setString(6, onFailure == null ? null : onFailure.arn());
                    upsert.setLong(7, config.lastModified().toEpochMilli());
                    return upsert.executeUpdate();
                }
            });
            configs.computeIfAbsent(function, f -> new TreeMap<>()).put(q, config);
            return config;
        }
    }

    /**
     * The configuration of {@code function}'s {@code qualifier} (null for {@code $LATEST}).
     *
     * @throws LambdaException ResourceNotFoundException when the function has none there
     */
    public synchronized EventInvokeConfig get(String function, String qualifier) {
        String q = requireTarget(function, qualifier);
        EventInvokeConfig config = configs.getOrDefault(function, Map.of()).get(q);
        if (config == null) {
            throw LambdaException.notFound("The function %s doesn't have an EventInvokeConfig",
                    arns.function(function, q));
        }
        return config;
    }

    /** What applies to events of {@code function}'s {@code qualifier}: its configuration or the defaults. */
    synchronized EventInvokeConfig find(String function, String qualifier) {
        EventInvokeConfig config = configs.getOrDefault(function, Map.of()).get(qualifier);
        return config != null ? config : EventInvokeConfig.defaults(function, qualifier);
    }

    /** {@code function}'s configurations, by qualifier. */
    public synchronized List<EventInvokeConfig> list(String function) {
        registry.get(function, null);
        return List.copyOf(configs.getOrDefault(function, Map.of()).values());
    }

    /**
     * Removes the configuration of {@code function}'s {@code qualifier}; its events get the defaults.
     *
     * @throws LambdaException ResourceNotFoundException when there is none
     */
    public synchronized void delete(String function, String qualifier) {
        EventInvokeConfig config = get(function, qualifier);
        db.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?")) {
                delete.setString(1, function);
                delete.setString(2, config.qualifier());
                return delete.executeUpdate();
            }
        });
        configs.get(function).remove(config.qualifier());
    }

    /** Deletes every configuration row of a deleted function, in the transaction of {@code c}. */
    static void deleteRows(Connection c, String function) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM event_invoke_configs WHERE function_name = ?")) {
            delete.setString(1, function);
            delete.executeUpdate();
        }
    }

    /** Forgets the configurations of a deleted function, once {@link #deleteRows} committed. */
    synchronized void forgetLoaded(String function) {
        configs.remove(function);
    }

    /** The qualifier, {@code $LATEST} for null, once the function and the version or alias are known to exist. */
    private String requireTarget(String function, String qualifier) {
        String q = qualifier == null ? FunctionVersion.LATEST : qualifier;
        registry.get(function, q);
        return q;
    }

    private Destination checkDestination(String function, String arn) {
        if (arn.isEmpty()) {
            return null;
        }
        Destination destination = Destination.parse(arn, arns);
        if (destination instanceof Destination.ToFunction target) {
            if (target.name().equals(function)) {
                throw LambdaException.invalid("The destination %s is the function itself: a function's records "
                        + "cannot be sent back to it", arn);
            }
            registry.get(target.name(), target.qualifier());
            if (leadsTo(target.name(), function, new HashSet<>())) {
                throw LambdaException.invalid("The destination %s sends its own records on to %s: records would "
                        + "go round in a loop", arn, function);
            }
        }
        return destination;
    }

    /** Whether records of {@code from} reach {@code to} through function destinations; the lock is held. */
    private boolean leadsTo(String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (EventInvokeConfig config : configs.getOrDefault(from, Map.of()).values()) {
            for (Destination destination : new Destination[] {config.onSuccess(), config.onFailure()}) {
                if (destination instanceof Destination.ToFunction next && leadsTo(next.name(), to, seen)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Destination destination(String arn) {
        return arn == null ? null : Destination.parse(arn, arns);
    }
}
