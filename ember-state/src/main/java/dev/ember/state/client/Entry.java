package dev.ember.state.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A key as it was read: its value, its version and when it expires.
 *
 * <p>The value is kept as the JSON text the API sent; {@link #value()} and the typed accessors convert it on each
 * call, so what they return is a fresh copy the caller may change (and put back).
 *
 * <pre>{@code
 * Entry visits = counters.get("visits").orElseThrow();
 * long n = visits.asLong();
 * Cart cart = carts.get("42").orElseThrow().as(Cart.class);   // a record, filled by component name
 * }</pre>
 */
public final class Entry {
    private final String key;
    private final String json;
    private final long version;
    private final Instant expiresAt;

    Entry(String key, String json, long version, Instant expiresAt) {
        this.key = key;
        this.json = json;
        this.version = version;
        this.expiresAt = expiresAt;
    }

    /** The key. */
    public String key() {
        return key;
    }

    /** The version of this value: a positive integer that changes with every write of the key. */
    public long version() {
        return version;
    }

    /** When the key expires, if it was written with a TTL. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** The value as JSON text, as stored. */
    public String json() {
        return json;
    }

    /**
     * The value as plain Java: {@code Map<String, Object>} (in document order), {@code List<Object>}, {@code String},
     * {@code Long} (or {@code BigInteger} past 64 bits), {@code Double} (or {@code BigDecimal} past its range),
     * {@code Boolean}, or null for JSON's {@code null}.
     */
    public Object value() {
        return Json.read(json);
    }

    /**
     * The value converted to {@code type}: {@code String}, a number type (exact: {@code 2.5} is no {@code Long}),
     * {@code Boolean}, {@code Map}, {@code List}, an enum (by name), a record (from an object, by component name,
     * generic components such as {@code List<Item>} included), or {@code Object}.
     *
     * @throws IllegalStateException if the value does not fit the type, saying what it is
     */
    @SuppressWarnings("unchecked") // convert answers an instance of type, or its wrapper for a primitive type
    public <T> T as(Class<T> type) {
        return (T) Values.convert(value(), type, key);
    }

    /** The value as a string. @throws IllegalStateException if it is not a JSON string */
    public String asString() {
        return as(String.class);
    }

    /** The value as a 64-bit integer. @throws IllegalStateException if it is not an integer that fits */
    public long asLong() {
        return (Long) Values.convert(value(), long.class, key);
    }

    /** The value as a double. @throws IllegalStateException if it is not a number */
    public double asDouble() {
        return (Double) Values.convert(value(), double.class, key);
    }

    /** The value as a boolean. @throws IllegalStateException if it is not {@code true} or {@code false} */
    public boolean asBoolean() {
        return (Boolean) Values.convert(value(), boolean.class, key);
    }

    /** The value as a JSON object. @throws IllegalStateException if it is not one */
    @SuppressWarnings("unchecked")
    public Map<String, Object> asMap() {
        return as(Map.class);
    }

    /** The value as a JSON array. @throws IllegalStateException if it is not one */
    @SuppressWarnings("unchecked")
    public List<Object> asList() {
        return as(List.class);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry that && version == that.version && key.equals(that.key)
                && json.equals(that.json) && Objects.equals(expiresAt, that.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, json, version, expiresAt);
    }

    @Override
    public String toString() {
        return key + "@" + version + "=" + (json.length() > 200 ? json.substring(0, 199) + "…" : json)
                + (expiresAt == null ? "" : " (expires " + expiresAt + ")");
    }
}
