package dev.ember.state;

import dev.ember.store.Database;
import dev.ember.store.GroupCommit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys of every namespace in the embedded store ({@code state_entries}). Reads run on the store's read
 * connections and see every write acknowledged before they began; writes go through one {@link GroupCommit}, so a
 * write is acknowledged only once fsync'd, and concurrent writes share the fsync. All writes run one after the other
 * on the writer's connection, each a unit (a transaction's operations are checked, then applied, in one write):
 * that makes transactions serializable and every key linearizable without locks of our own.
 *
 * <p>Time is the injected clock's: a key whose expiry has come reads, lists, and is conditioned on as absent at once;
 * {@link #purgeExpired} removes such rows later.
 */
final class StateStore implements AutoCloseable {

    /** One key's stored state. {@code expiresAt} is epoch ms, or null. */
    record Entry(String key, String value, long version, Long expiresAt) {
    }

    /** What a write came to. */
    sealed interface Outcome {
        /** Every operation applied, with its result, in order. */
        record Applied(List<Operation.Result> results) implements Outcome {
        }

        /** Conditions that did not hold, by operation index: nothing applied. */
        record Conflict(List<Integer> failed) implements Outcome {
        }

        /** An increment of a key that is not an integer, or that would overflow: nothing applied. */
        record NotCounted(int index, String type, String message) implements Outcome {
        }
    }

    /** A page of a listing. {@code next} is the last key when more may follow, else null. */
    record Page(List<Entry> entries, String next) {
    }

    /** One namespace's size. */
    record Usage(String namespace, long keys, long bytes) {
    }

    private static final String SELECT = "SELECT value, version, expires_at FROM state_entries"
            + " WHERE namespace = ? AND entry_key = ?";
    private static final String UPSERT = "INSERT INTO state_entries (namespace, entry_key, value, version, expires_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace, entry_key) DO UPDATE SET value = excluded.value,"
            + " version = excluded.version, expires_at = excluded.expires_at";
    private static final String DELETE = "DELETE FROM state_entries WHERE namespace = ? AND entry_key = ?";

    private final Database db;
    private final GroupCommit commits;
    private final InstantSource clock;
    /**
     * The last version given. Only the writer thread advances it, inside a write that also stores it in
     * {@code state_sequence}: a rolled-back write leaves a gap, never a version given twice.
     */
    private final AtomicLong lastVersion;

    StateStore(Database db, InstantSource clock) {
        this.db = db;
        this.clock = clock;
        this.lastVersion = new AtomicLong(db.read(c -> {
            try (var statement = c.prepareStatement("SELECT last_version FROM state_sequence WHERE id = 1");
                 ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : 0L;
            }
        }));
        this.commits = new GroupCommit(db, "state", () -> new StateError(503, "ServiceUnavailable",
                "Ember is shutting down"));
    }

    /** The key's entry, or null when it is absent or expired. */
    Entry get(String namespace, String key) {
        long now = clock.millis();
        return db.readOne(c -> live(select(c, namespace, key), now));
    }

    /** Live keys of {@code namespace} starting with {@code prefix}, after {@code startAfter} (or from the first). */
    Page list(String namespace, String prefix, String startAfter, int limit) {
        long now = clock.millis();
        String upper = prefixEnd(prefix);
        // Both bounds, always: Java orders strings by UTF-16 units, the store by code points, so which of the two is
        // the stricter is the store's to decide.
        String sql = "SELECT entry_key, value, version, expires_at FROM state_entries WHERE namespace = ?"
                + " AND entry_key >= ?" + (startAfter != null ? " AND entry_key > ?" : "")
                + (upper != null ? " AND entry_key < ?" : "")
                + " AND (expires_at IS NULL OR expires_at > ?) ORDER BY entry_key LIMIT ?";
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                int i = 1;
                select.setString(i++, namespace);
                select.setString(i++, prefix);
                if (startAfter != null) {
                    select.setString(i++, startAfter);
                }
                if (upper != null) {
                    select.setString(i++, upper);
                }
                select.setLong(i++, now);
                select.setInt(i, limit + 1);
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new Entry(rows.getString(1), rows.getString(2), rows.getLong(3),
                                nullableLong(rows, 4)));
                    }
                }
                if (entries.size() <= limit) {
                    return new Page(entries, null);
                }
                List<Entry> page = List.copyOf(entries.subList(0, limit));
                return new Page(page, page.getLast().key());
            }
        });
    }

    /**
     * The least string above every string that starts with {@code prefix}, in code point order (which is the byte
     * order of UTF-8, SQLite's order of TEXT): the prefix with its last code point incremented. Null when there is
     * none (an empty prefix, or one of only U+10FFFF).
     */
    static String prefixEnd(String prefix) {
        int[] points = prefix.codePoints().toArray();
        for (int i = points.length - 1; i >= 0; i--) {
            int next = points[i] + 1;
            if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
                next = Character.MAX_SURROGATE + 1;
            }
            if (next <= Character.MAX_CODE_POINT) {
                points[i] = next;
                return new String(points, 0, i + 1);
            }
        }
        return null;
    }

    /**
     * Checks every operation's condition against the current state, then, only if all hold, applies them all, in one
     * durable write.
     */
    Outcome write(List<Operation> operations) {
        return commits.commit(c -> apply(c, operations));
    }

    private Outcome apply(Connection c, List<Operation> operations) throws SQLException {
        long now = clock.millis();
        List<Integer> failed = new ArrayList<>();
        // Conditions first: a transaction built on stale reads is a conflict to retry, even if it would also have
        // incremented a key that holds no integer (what the key holds may be the stale part).
        Outcome.NotCounted notCounted = null;
        long[] totals = new long[operations.size()];
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            Entry entry = live(select(c, operation.namespace(), operation.key()), now);
            Long expected = switch (operation) {
                case Operation.Check check -> check.version();
                case Operation.Put put -> put.ifVersion();
                case Operation.Delete delete -> delete.ifVersion();
                case Operation.Increment increment -> null;
            };
            if (expected != null && (expected == Operation.PRESENT ? entry == null
                    : expected != (entry == null ? Operation.ABSENT : entry.version()))) {
                failed.add(i);
            }
            if (operation instanceof Operation.Increment increment && notCounted == null) {
                Long value = entry == null ? Long.valueOf(0) : integer(entry.value());
                if (value == null) {
                    notCounted = new Outcome.NotCounted(i, "NotAnInteger", "the value of key "
                            + quoted(entry.key()) + " is not an integer, it cannot be incremented");
                } else {
                    try {
                        totals[i] = Math.addExact(value, increment.delta());
                    } catch (ArithmeticException e) {
                        notCounted = new Outcome.NotCounted(i, "Overflow", "incrementing key "
                                + quoted(operation.key()) + " by " + increment.delta()
                                + " overflows a 64-bit integer (it is " + value + ")");
                    }
                }
            }
        }
        if (!failed.isEmpty()) {
            return new Outcome.Conflict(List.copyOf(failed));
        }
        if (notCounted != null) {
            return notCounted;
        }
        List<Operation.Result> results = new ArrayList<>(operations.size());
        long version = lastVersion.get();
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            Operation.Result result = switch (operation) {
                case Operation.Check check -> Operation.Result.NONE;
                case Operation.Delete delete -> {
                    remove(c, delete.namespace(), delete.key()); // also the row of an expired key
                    yield Operation.Result.NONE;
                }
                case Operation.Put put -> {
                    upsert(c, put.namespace(), put.key(), put.value(), ++version, expiry(now, put.ttlSeconds()));
                    yield new Operation.Result(version, null);
                }
                case Operation.Increment increment -> {
                    upsert(c, increment.namespace(), increment.key(), Long.toString(totals[i]), ++version,
                            expiry(now, increment.ttlSeconds()));
                    yield new Operation.Result(version, totals[i]);
                }
            };
            results.add(result);
        }
        if (version != lastVersion.get()) {
            try (var update = c.prepareStatement("UPDATE state_sequence SET last_version = ? WHERE id = 1")) {
                update.setLong(1, version);
                update.executeUpdate();
            }
            lastVersion.set(version);
        }
        return new Outcome.Applied(results);
    }

    /** Deletes every key of {@code namespace}, durably; its grants stay. */
    int deleteNamespace(String namespace) {
        return commits.commit(c -> {
            try (var delete = c.prepareStatement("DELETE FROM state_entries WHERE namespace = ?")) {
                delete.setString(1, namespace);
                return delete.executeUpdate();
            }
        });
    }

    /** Namespaces that have live keys, by name, with their sizes (bytes: keys and values as UTF-8). */
    List<Usage> usage() {
        long now = clock.millis();
        return db.read(c -> {
            try (var select = c.prepareStatement("SELECT namespace, COUNT(*),"
                    + " SUM(LENGTH(CAST(entry_key AS BLOB)) + LENGTH(CAST(value AS BLOB))) FROM state_entries"
                    + " WHERE expires_at IS NULL OR expires_at > ? GROUP BY namespace ORDER BY namespace")) {
                select.setLong(1, now);
                List<Usage> usage = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        usage.add(new Usage(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                    }
                }
                return usage;
            }
        });
    }

    /**
     * Deletes the rows of keys that have expired by the clock. Reads treat them as absent already; this gives their
     * space back. Writes only when there is something to delete (a commit is an fsync).
     *
     * @return how many rows were deleted
     */
    int purgeExpired() {
        long now = clock.millis();
        boolean any = db.read(c -> {
            try (var select = c.prepareStatement(
                    "SELECT 1 FROM state_entries WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT 1")) {
                select.setLong(1, now);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
        if (!any) {
            return 0;
        }
        return commits.commit(c -> {
            try (var delete = c.prepareStatement(
                    "DELETE FROM state_entries WHERE expires_at IS NOT NULL AND expires_at <= ?")) {
                delete.setLong(1, now);
                return delete.executeUpdate();
            }
        });
    }

    private static Entry select(Connection c, String namespace, String key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(SELECT)) {
            select.setString(1, namespace);
            select.setString(2, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new Entry(key, row.getString(1), row.getLong(2), nullableLong(row, 3)) : null;
            }
        }
    }

    private static Entry live(Entry entry, long now) {
        return entry == null || entry.expiresAt() != null && entry.expiresAt() <= now ? null : entry;
    }

    private static void upsert(Connection c, String namespace, String key, String value, long version, Long expiresAt)
            throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
            upsert.setString(1, namespace);
            upsert.setString(2, key);
            upsert.setString(3, value);
            upsert.setLong(4, version);
            if (expiresAt == null) {
                upsert.setNull(5, Types.BIGINT);
            } else {
                upsert.setLong(5, expiresAt);
            }
            upsert.executeUpdate();
        }
    }

    private static void remove(Connection c, String namespace, String key) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(DELETE)) {
            delete.setString(1, namespace);
            delete.setString(2, key);
            delete.executeUpdate();
        }
    }

    private static Long expiry(long now, Long ttlSeconds) {
        return ttlSeconds == null ? null : now + ttlSeconds * 1000;
    }

    /** The stored JSON as a 64-bit integer: digits with an optional minus, no fraction or exponent; else null. */
    static Long integer(String json) {
        String s = json.strip();
        int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start || s.length() - start > 19 || s.length() - start > 1 && s.charAt(start) == '0') {
            return null;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null; // 19 digits past Long.MAX_VALUE
        }
    }

    private static Long nullableLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private static String quoted(String key) {
        return '"' + (key.length() > 64 ? key.substring(0, 64) + "..." : key) + '"';
    }

    /** Commits what was submitted; later writes fail with 503. */
    @Override
    public void close() {
        commits.close();
    }
}
