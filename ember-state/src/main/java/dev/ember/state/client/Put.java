package dev.ember.state.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a put goes: unconditionally ({@link #always()}), only over a given version ({@link #ifVersion}, optimistic
 * concurrency), only where the key is absent ({@link #ifAbsent}) or only where it exists ({@link #ifPresent}), each
 * optionally with a time to live.
 *
 * <pre>{@code
 * Entry cart = carts.get("42").orElseThrow();
 * carts.put("42", updated, Put.ifVersion(cart.version()));          // PreconditionFailedException if it changed
 * locks.put("report", me, Put.ifAbsent().ttl(Duration.ofSeconds(30)));  // a lease that expires by itself
 * }</pre>
 *
 * <p>A put without a TTL clears any TTL the key had. Immutable; {@link #ttl} returns a copy.
 */
public final class Put {
    /** The longest TTL the API takes: 365 days. */
    public static final Duration MAX_TTL = Duration.ofSeconds(31_536_000);
    private static final Put ALWAYS = new Put(-1, null);

    /** The key must exist, at any version. */
    static final long PRESENT = -2;

    /** -1: unconditional; -2: the key must exist; 0: the key must be absent; n: the key must be at version n. */
    private final long expected;
    private final Duration ttl;

    private Put(long expected, Duration ttl) {
        this.expected = expected;
        this.ttl = ttl;
    }

    /** Writes whatever the key holds now. */
    public static Put always() {
        return ALWAYS;
    }

    /**
     * Writes only if the key is at {@code version} now (as an {@link Entry#version()} gave it).
     *
     * @throws IllegalArgumentException if {@code version} is not positive (use {@link #ifAbsent()} for "absent")
     */
    public static Put ifVersion(long version) {
        if (version <= 0) {
            throw new IllegalArgumentException("a version is a positive integer, was " + version
                    + " (Put.ifAbsent() writes only where there is none)");
        }
        return new Put(version, null);
    }

    /** Writes only if the key is absent (or expired): creates, never overwrites. */
    public static Put ifAbsent() {
        return new Put(0, null);
    }

    /** Writes only if the key exists (and has not expired): replaces, never creates. Not in transactions. */
    public static Put ifPresent() {
        return new Put(PRESENT, null);
    }

    /**
     * This put, with the key expiring {@code ttl} after the write: it reads as absent from then on.
     *
     * @param ttl whole seconds, 1 second to {@link #MAX_TTL}
     * @throws IllegalArgumentException for another duration
     */
    public Put ttl(Duration ttl) {
        return new Put(expected, checkTtl(ttl));
    }

    /** The TTL in whole seconds, checked. */
    static Duration checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.getNano() != 0 || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a TTL is whole seconds from 1 to " + MAX_TTL.toSeconds()
                    + " (365 days), was " + ttl);
        }
        return ttl;
    }

    /** The version the key must be at, 0 for "absent", {@link #PRESENT} for "present", -1 for no condition. */
    long expected() {
        return expected;
    }

    /** The TTL, or null for none. */
    Duration ttlOrNull() {
        return ttl;
    }

    /** For messages: {@code if at version 7}, {@code if absent}, or nothing. */
    String describe() {
        String condition = expected == PRESENT ? " if present" : expected < 0 ? "" : expected == 0 ? " if absent"
                : " if at version " + expected;
        return ttl == null ? condition : condition + " with a TTL of " + ttl.toSeconds() + " s";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Put that && expected == that.expected && Objects.equals(ttl, that.ttl);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(expected) * 31 + Objects.hashCode(ttl);
    }

    @Override
    public String toString() {
        String description = describe().strip();
        return "Put[" + (description.isEmpty() ? "always" : description) + "]";
    }
}
