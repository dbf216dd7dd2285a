package dev.ember.state.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Operations on any namespaces the caller may use, applied all together, serializably, or not at all. Built with
 * one call per operation, then {@link #commit()}ed once:
 *
 * <pre>{@code
 * Entry alice = bank.get("alice").orElseThrow();
 * Entry bob = bank.get("bob").orElseThrow();
 * state.transaction()
 *      .put(bank, "alice", alice.asLong() - 10, Put.ifVersion(alice.version()))
 *      .put(bank, "bob", bob.asLong() + 10, Put.ifVersion(bob.version()))
 *      .increment(audit, "transfers", 1)
 *      .commit();     // TransactionConflictException if alice or bob changed since they were read
 * }</pre>
 *
 * <p>1 to 100 operations, each on a different key. Not thread-safe; a transaction is committed once.
 */
public final class Transaction {
    /** The most operations one transaction may hold. */
    public static final int MAX_OPERATIONS = 100;

    /**
     * What one operation gave, in the order the operations were added.
     *
     * @param version the key's new version (puts and increments)
     * @param value   the new total (increments)
     */
    public record Outcome(OptionalLong version, OptionalLong value) {
    }

    /** One operation: its JSON and how to name it in messages. */
    record Operation(String json, String description) {
    }

    private final StateClient client;
    private final List<Operation> operations = new ArrayList<>();
    private boolean committed;

    Transaction(StateClient client) {
        this.client = client;
    }

    /** The key must be at {@code version} for the transaction to apply; it is not changed. */
    public Transaction check(Namespace namespace, String key, long version) {
        if (version <= 0) {
            throw new IllegalArgumentException("a version is a positive integer, was " + version
                    + " (checkAbsent checks that there is none)");
        }
        return add(namespace, "check", key, ",\"version\":" + version, "at version " + version);
    }

    /** The key must be absent (or expired) for the transaction to apply. */
    public Transaction checkAbsent(Namespace namespace, String key) {
        return add(namespace, "check", key, ",\"version\":0", "absent");
    }

    /** Writes the key unconditionally, without a TTL. */
    public Transaction put(Namespace namespace, String key, Object value) {
        return put(namespace, key, value, Put.always());
    }

    /** Writes the key as {@code how} says; its condition failing fails the whole transaction. */
    public Transaction put(Namespace namespace, String key, Object value, Put how) {
        if (how.expected() == Put.PRESENT) {
            throw new IllegalArgumentException("a transaction's put takes Put.ifVersion or Put.ifAbsent, not "
                    + "Put.ifPresent: check the key's version in the put instead");
        }
        StringBuilder fields = new StringBuilder(",\"value\":");
        Json.write(value, fields);
        if (how.ttlOrNull() != null) {
            fields.append(",\"ttlSeconds\":").append(how.ttlOrNull().toSeconds());
        }
        if (how.expected() >= 0) {
            fields.append(",\"ifVersion\":").append(how.expected());
        }
        return add(namespace, "put", key, fields.toString(), how.describe().strip());
    }

    /** Deletes the key (absent is fine). */
    public Transaction delete(Namespace namespace, String key) {
        return add(namespace, "delete", key, "", "");
    }

    /** Deletes the key if it is at {@code version}; otherwise the whole transaction fails. */
    public Transaction delete(Namespace namespace, String key, long version) {
        if (version <= 0) {
            throw new IllegalArgumentException("a version is a positive integer, was " + version);
        }
        return add(namespace, "delete", key, ",\"ifVersion\":" + version, "if at version " + version);
    }

    /** Adds {@code delta} to the key (absent counts as 0). */
    public Transaction increment(Namespace namespace, String key, long delta) {
        return add(namespace, "increment", key, ",\"delta\":" + delta, "by " + delta);
    }

    /** As {@link #increment(Namespace, String, long)}, the key then expiring {@code ttl} after the transaction. */
    public Transaction increment(Namespace namespace, String key, long delta, Duration ttl) {
        return add(namespace, "increment", key, ",\"delta\":" + delta + ",\"ttlSeconds\":"
                + Put.checkTtl(ttl).toSeconds(), "by " + delta + " with a TTL of " + ttl.toSeconds() + " s");
    }

    /**
     * Applies every operation, or none.
     *
     * @return one outcome per operation, in order
     * @throws TransactionConflictException if a check or condition failed; nothing was applied
     * @throws InvalidRequestException      {@code InvalidTransaction} if a key is in two operations
     * @throws AccessDeniedException        if one namespace may not be used; nothing was applied
     * @throws IllegalStateException        if there are no operations, or it was committed already
     */
    public List<Outcome> commit() {
        if (committed) {
            throw new IllegalStateException("this transaction was committed already; start another");
        }
        if (operations.isEmpty()) {
            throw new IllegalStateException("a transaction needs at least one operation");
        }
        committed = true;
        return client.commit(operations);
    }

    private Transaction add(Namespace namespace, String op, String key, String fields, String condition) {
        Objects.requireNonNull(namespace, "namespace");
        StateWire.checkKey(key);
        if (committed) {
            throw new IllegalStateException("this transaction was committed already; start another");
        }
        if (operations.size() == MAX_OPERATIONS) {
            throw new IllegalStateException("a transaction holds at most " + MAX_OPERATIONS + " operations");
        }
        StringBuilder json = new StringBuilder("{\"op\":\"").append(op).append("\",\"namespace\":");
        Json.quote(namespace.name(), json);
        json.append(",\"key\":");
        Json.quote(key, json);
        json.append(fields).append('}');
        String description = op + " " + namespace.name() + "/" + key + (condition.isEmpty() ? "" : " " + condition);
        operations.add(new Operation(json.toString(), description));
        return this;
    }
}
