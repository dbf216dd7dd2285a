package dev.ember.url;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.store.Database;
import dev.ember.store.StoreException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Function URLs as Lambda has them: at most one per function and qualifier ({@code $LATEST} or an alias, never a
 * version), each with an id that routes HTTP requests to it. Durable in the embedded store; looked up from memory on
 * every request. A function's URLs go when it is deleted (an alias's when the alias is).
 *
 * <p>Thread-safe.
 */
public final class FunctionUrls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Database db;
    private final FunctionRegistry registry;
    private final InstantSource clock;
    /** By function name, then qualifier. */
    private final Map<String, Map<String, FunctionUrlConfig>> configs = new TreeMap<>();
    private final Map<String, FunctionUrlConfig> byId = new ConcurrentHashMap<>();

    /**
     * What a Create or Update sets; a null component is left as it is (Update) or takes its default (Create).
     *
     * @param cors a new CORS setting; {@link #NO_CORS} removes it
     */
    public record Change(String authType, Cors cors, String invokeMode) {
    }

    /** The CORS setting that removes CORS from a URL in an Update. */
    public static final Cors NO_CORS = new Cors(false, List.of(), List.of(), List.of(), List.of(), null);

    private FunctionUrls(Database db, FunctionRegistry registry, InstantSource clock) {
        this.db = db;
        this.registry = registry;
        this.clock = clock;
    }

    /** The URLs stored in {@code db}. */
    public static FunctionUrls open(Database db, FunctionRegistry registry, InstantSource clock) {
        var urls = new FunctionUrls(db, registry, clock);
        List<FunctionUrlConfig> rows = db.read(c -> {
            List<FunctionUrlConfig> loaded = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT function_name, qualifier, url_id, auth_type, "
                    + "cors, invoke_mode, created, last_modified FROM function_urls");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    loaded.add(new FunctionUrlConfig(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), readCors(rs.getString(5)), rs.getString(6),
                            Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8))));
                }
            }
            return loaded;
        });
        rows.forEach(urls::remember);
        registry.addListener((name, deleted) -> urls.forgetGone(name));
        return urls;
    }

    /**
     * Creates the URL of {@code function}'s {@code qualifier} (null for {@code $LATEST}).
     *
     * @throws LambdaException ResourceConflictException when it has one; ResourceNotFoundException for an unknown
     *                         function or alias; InvalidParameterValueException for a version, {@code AWS_IAM} or
     *                         an unknown auth type or invoke mode
     */
    public FunctionUrlConfig create(String function, String qualifier, Change change) {
        String q = requireTarget(function, qualifier);
        synchronized (this) {
            if (find(function, q).isPresent()) {
                throw LambdaException.conflict("Failed to create function url config for [functionArn = %s]. "
                        + "Error message:  FunctionUrlConfig exists for this Lambda function", function + ":" + q);
            }
            Instant now = clock.instant();
            var config = new FunctionUrlConfig(function, q, newId(), authType(change.authType() == null ? "NONE"
                    : change.authType()), change.cors() == NO_CORS ? null : change.cors(),
                    invokeMode(change.invokeMode()), now, now);
            write(config);
            return config;
        }
    }

    /**
     * Changes the URL's auth type, CORS or invoke mode (UpdateFunctionUrlConfig); its id stays.
     *
     * @throws LambdaException ResourceNotFoundException when there is none
     */
    public synchronized FunctionUrlConfig update(String function, String qualifier, Change change) {
        FunctionUrlConfig current = get(function, qualifier);
        var config = new FunctionUrlConfig(function, current.qualifier(), current.urlId(),
                change.authType() == null ? current.authType() : authType(change.authType()),
                change.cors() == null ? current.cors() : change.cors() == NO_CORS ? null : change.cors(),
                change.invokeMode() == null ? current.invokeMode() : invokeMode(change.invokeMode()),
                current.created(), clock.instant());
        write(config);
        return config;
    }

    /**
     * The URL of {@code function}'s {@code qualifier} (null for {@code $LATEST}).
     *
     * @throws LambdaException ResourceNotFoundException when there is none
     */
    public synchronized FunctionUrlConfig get(String function, String qualifier) {
        String q = requireTarget(function, qualifier);
        return find(function, q).orElseThrow(() -> LambdaException.notFound(
                "The resource you requested does not exist. (Function URL of %s:%s)", function, q));
    }

    /** {@code function}'s URLs, by qualifier. */
    public synchronized List<FunctionUrlConfig> list(String function) {
        registry.get(function, null);
        return List.copyOf(configs.getOrDefault(function, Map.of()).values());
    }

    /**
     * Deletes the URL; its id is never served again.
     *
     * @throws LambdaException ResourceNotFoundException when there is none
     */
    public synchronized void delete(String function, String qualifier) {
        FunctionUrlConfig config = get(function, qualifier);
        deleteRows(function, config.qualifier());
        forget(config);
    }

    /** The URL an HTTP request names by its id, if there is one. */
    public Optional<FunctionUrlConfig> byId(String urlId) {
        return Optional.ofNullable(byId.get(urlId));
    }

    private Optional<FunctionUrlConfig> find(String function, String qualifier) {
        return Optional.ofNullable(configs.getOrDefault(function, Map.of()).get(qualifier));
    }

    private void write(FunctionUrlConfig config) {
        db.inTransaction(c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO function_urls (function_name, "
                    + "qualifier, url_id, auth_type, cors, invoke_mode, created, last_modified) VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (function_name, qualifier) DO UPDATE SET "
                    + "auth_type = excluded.auth_type, cors = excluded.cors, invoke_mode = excluded.invoke_mode, "
                    + "last_modified = excluded.last_modified")) {
                upsert.setString(1, config.function());
                upsert.setString(2, config.qualifier());
                upsert.setString(3, config.urlId());
                upsert.setString(4, config.authType());
                if (config.cors() == null) {
                    upsert.setNull(5, Types.VARCHAR);
                } else {
                    upsert.setString(5, writeCors(config.cors()));
                }
                upsert.setString(6, config.invokeMode());
                upsert.setLong(7, config.created().toEpochMilli());
                upsert.setLong(8, config.lastModified().toEpochMilli());
                return upsert.executeUpdate();
            }
        });
        remember(config);
    }

    private synchronized void remember(FunctionUrlConfig config) {
        configs.computeIfAbsent(config.function(), f -> new TreeMap<>()).put(config.qualifier(), config);
        byId.put(config.urlId(), config);
    }

    private void forget(FunctionUrlConfig config) {
        Map<String, FunctionUrlConfig> of = configs.get(config.function());
        if (of != null) {
            of.remove(config.qualifier());
        }
        byId.remove(config.urlId());
    }

    private void deleteRows(String function, String qualifier) {
        db.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement(qualifier == null
                    ? "DELETE FROM function_urls WHERE function_name = ?"
                    : "DELETE FROM function_urls WHERE function_name = ? AND qualifier = ?")) {
                delete.setString(1, function);
                if (qualifier != null) {
                    delete.setString(2, qualifier);
                }
                return delete.executeUpdate();
            }
        });
    }

    /** Drops the URLs of a deleted function, or of its deleted aliases. */
    private synchronized void forgetGone(String function) {
        Map<String, FunctionUrlConfig> of = configs.get(function);
        if (of == null) {
            return;
        }
        for (FunctionUrlConfig config : List.copyOf(of.values())) {
            try {
                requireTarget(function, config.qualifier());
            } catch (LambdaException gone) {
                deleteRows(function, config.qualifier());
                forget(config);
            }
        }
    }

    /** The qualifier, {@code $LATEST} for null, once the function and alias are known to exist. */
    private String requireTarget(String function, String qualifier) {
        String q = qualifier == null || qualifier.isEmpty() ? FunctionVersion.LATEST : qualifier;
        if (q.chars().allMatch(Character::isDigit)) {
            registry.get(function, null);
            throw LambdaException.invalid("Function URLs are for $LATEST or an alias, not a version: %s:%s",
                    function, q);
        }
        registry.get(function, q);
        return q;
    }

    private static String authType(String authType) {
        return switch (authType) {
            case "NONE" -> "NONE";
            case "AWS_IAM" -> throw LambdaException.invalid("AuthType AWS_IAM is not available on Ember yet: it "
                    + "checks no signatures. Use AuthType NONE (the URL is open to whoever reaches the server)");
            default -> throw LambdaException.invalid("1 validation error detected: Value '%s' at 'authType' failed "
                    + "to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]", authType);
        };
    }

    private static String invokeMode(String invokeMode) {
        if (invokeMode == null || invokeMode.equals("BUFFERED")) {
            return "BUFFERED";
        }
        if (invokeMode.equals("RESPONSE_STREAM")) {
            throw LambdaException.invalid("InvokeMode RESPONSE_STREAM is not available on Ember yet; use BUFFERED");
        }
        throw LambdaException.invalid("1 validation error detected: Value '%s' at 'invokeMode' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]", invokeMode);
    }

    private static String newId() {
        StringBuilder id = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    static String writeCors(Cors cors) {
        ObjectNode node = JSON.createObjectNode().put("AllowCredentials", cors.allowCredentials());
        list(node.putArray("AllowHeaders"), cors.allowHeaders());
        list(node.putArray("AllowMethods"), cors.allowMethods());
        list(node.putArray("AllowOrigins"), cors.allowOrigins());
        list(node.putArray("ExposeHeaders"), cors.exposeHeaders());
        if (cors.maxAgeSeconds() != null) {
            node.put("MaxAge", cors.maxAgeSeconds());
        }
        return node.toString();
    }

    private static void list(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static Cors readCors(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return new Cors(node.path("AllowCredentials").asBoolean(), strings(node.path("AllowHeaders")),
                    strings(node.path("AllowMethods")), strings(node.path("AllowOrigins")),
                    strings(node.path("ExposeHeaders")), node.hasNonNull("MaxAge") ? node.get("MaxAge").asInt() : null);
        } catch (JsonProcessingException e) {
            throw new StoreException("a stored CORS setting is unreadable: " + json, e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
