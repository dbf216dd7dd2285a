package dev.ember.state.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One namespace's keys. A key is 1 to 1024 bytes of UTF-8, any characters ({@code /} included, handy for
 * hierarchies such as {@code cart/42}); a value is any JSON document of at most 400 KB, given as a Java value that
 * {@link Entry#value()} describes (or a record, an array, an enum, or {@link JsonText}).
 *
 * <pre>{@code
 * Namespace carts = state.namespace("shop");
 * long v = carts.put("cart/42", Map.of("items", List.of("tea")));
 * Entry cart = carts.get("cart/42").orElseThrow();
 * carts.put("cart/42", List.of(), Put.ifVersion(cart.version()));     // only if nobody wrote it since
 * for (Page page : carts.pages("cart/")) { page.entries().forEach(System.out::println); }
 * }</pre>
 */
public interface Namespace {
    /** The page size of {@link #pages(String)}. */
    int DEFAULT_PAGE_SIZE = 100;
    /** The most keys one page can hold. */
    int MAX_PAGE_SIZE = 1000;

    /** The namespace's name. */
    String name();

    /** The key's value and version, or empty if it is absent or expired. */
    Optional<Entry> get(String key);

    /**
     * The key's value as {@code type} ({@link Entry#as}), or empty if it is absent or expired.
     *
     * @throws IllegalStateException if the value does not fit the type
     */
    <T> Optional<T> get(String key, Class<T> type);

    /**
     * Writes the key unconditionally, without a TTL; returns its new version.
     *
     * @throws IllegalArgumentException if {@code value} cannot be written as JSON
     * @throws ValueTooLargeException   over 400 KB
     */
    long put(String key, Object value);

    /**
     * Writes the key as {@code how} says (a condition and/or a TTL); returns its new version.
     *
     * @throws PreconditionFailedException if the condition does not hold; nothing was written
     */
    long put(String key, Object value, Put how);

    /** Deletes the key; absent keys too, without complaint. */
    void delete(String key);

    /**
     * Deletes the key if it is at {@code version}.
     *
     * @throws PreconditionFailedException otherwise; nothing was deleted
     */
    void delete(String key, long version);

    /** Adds 1 to the key (absent counts as 0); returns the new total. */
    long increment(String key);

    /**
     * Adds {@code delta} (may be negative) to the key (absent counts as 0); returns the new total.
     *
     * @throws IncrementFailedException if the value is not a 64-bit integer, or the total would overflow
     */
    long increment(String key, long delta);

    /** As {@link #increment(String, long)}, the key then expiring {@code ttl} (whole seconds) after this write. */
    long increment(String key, long delta, Duration ttl);

    /**
     * One page of the keys that start with {@code prefix}, in key order, with their values.
     *
     * @param prefix     "" for every key
     * @param startAfter the page starts after this key ({@link Page#nextToken()} of the page before), or null
     * @param limit      1 to {@link #MAX_PAGE_SIZE}
     */
    Page list(String prefix, String startAfter, int limit);

    /** Every page of the keys that start with {@code prefix}, {@link #DEFAULT_PAGE_SIZE} a page, fetched as iterated. */
    Iterable<Page> pages(String prefix);

    /** Every page of the keys that start with {@code prefix}, {@code pageSize} a page, fetched as iterated. */
    Iterable<Page> pages(String prefix, int pageSize);

    /**
     * Control plane only: deletes every key of the namespace at once (its grants stay). Deleting a function leaves
     * its namespace's keys; this is how they go.
     *
     * @throws AccessDeniedException inside a function
     */
    void deleteAll();

    /** Control plane only: the functions this namespace is granted to (besides its own function). */
    List<String> grants();

    /**
     * Control plane only: lets {@code function} use this namespace, durably, until revoked or the function is
     * deleted.
     *
     * @throws StateException {@code ResourceNotFoundException} for a function that does not exist
     */
    void grant(String function);

    /** Control plane only: takes back a {@link #grant}; nothing happens if there was none. */
    void revoke(String function);
}
