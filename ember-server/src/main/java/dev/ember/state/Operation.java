package dev.ember.state;

/**
 * One change or check of one key, as a single-key request or an operation of a transaction. Conditions are
 * versions: {@code null} means none, {@link #ABSENT} that the key must be absent, {@link #PRESENT} that it must exist
 * (at any version), any other the version it must be at. An expired key is absent.
 */
sealed interface Operation {
    long ABSENT = 0;
    long PRESENT = -1;

    String namespace();

    String key();

    /** The key must be at {@code version} (0: absent). Changes nothing. */
    record Check(String namespace, String key, long version) implements Operation {
    }

    /**
     * Sets the value.
     *
     * @param value      a JSON document, validated
     * @param ttlSeconds seconds until it expires, or null for never (clearing an earlier TTL)
     * @param ifVersion  the condition, or null
     */
    record Put(String namespace, String key, String value, Long ttlSeconds, Long ifVersion) implements Operation {
    }

    /** Removes the key (absent already is fine unless {@code ifVersion} says otherwise). */
    record Delete(String namespace, String key, Long ifVersion) implements Operation {
    }

    /**
     * Adds {@code delta} to the integer the key holds (absent: 0).
     *
     * @param ttlSeconds seconds until it expires, or null for never (as every write, it clears an earlier TTL)
     */
    record Increment(String namespace, String key, long delta, Long ttlSeconds) implements Operation {
    }

    /** What an applied operation answers: its new version, and for an increment the new total. */
    record Result(long version, Long total) {
        static final Result NONE = new Result(0, null);
    }
}
