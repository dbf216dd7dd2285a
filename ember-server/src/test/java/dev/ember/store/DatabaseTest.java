package dev.ember.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dataDir;

    @Test
    void opensTheFileInTheDataDirectoryInWalModeWithFullSync() {
        try (Database db = Database.open(dataDir)) {
            assertThat(db.file()).isEqualTo(dataDir.resolve("ember.db"));
            assertThat(db.file()).exists();
            assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
            assertThat(writerPragma(db, "synchronous")).isEqualTo("2");
            assertThat(writerPragma(db, "foreign_keys")).isEqualTo("1");
            assertThat(Long.parseLong(writerPragma(db, "busy_timeout"))).isPositive();
            assertThat(pragma(db, "synchronous")).isEqualTo("2");
            assertThat(pragma(db, "foreign_keys")).isEqualTo("1");
        }
    }

    @Test
    void aSingleQueryReadSeesEveryCommittedWriteWithoutATransactionOfItsOwn() {
        try (Database db = Database.open(dataDir)) {
            db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x INTEGER)"));
            for (int i = 1; i <= 3; i++) {
                int value = i;
                db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (" + value + ")"));
                assertThat(db.<Integer>readOne(c -> {
                    try (var rows = c.createStatement().executeQuery("SELECT SUM(x) FROM t")) {
                        return rows.next() ? rows.getInt(1) : -1;
                    }
                })).isEqualTo(value * (value + 1) / 2);
            }
        }
    }

    @Test
    void appliesEveryMigrationOnceAndRecordsIt() {
        try (Database db = Database.open(dataDir)) {
            assertThat(db.schemaVersion()).isEqualTo(Schema.MIGRATIONS.size());
            assertThat(versions(db)).hasSize(Schema.MIGRATIONS.size());
            assertThat(tables(db)).contains("functions", "function_versions", "aliases", "schema_version");
        }
        // Reopening must not run them again: CREATE TABLE would fail the second time.
        try (Database db = Database.open(dataDir)) {
            assertThat(versions(db)).hasSize(Schema.MIGRATIONS.size());
        }
    }

    @Test
    void appliesOnlyTheNewStepsToAnOlderStore() {
        Migration first = new Migration(1, "first", List.of("CREATE TABLE a (x INTEGER)"));
        Migration second = new Migration(2, "second", List.of("CREATE TABLE b (y INTEGER)", "INSERT INTO b VALUES (7)"));
        Database.open(dataDir, List.of(first)).close();

        try (Database db = Database.open(dataDir, List.of(first, second))) {
            assertThat(versions(db)).containsExactly(1, 2);
            assertThat(query(db, "SELECT y FROM b")).isEqualTo(7);
        }
    }

    @Test
    void aFailingMigrationLeavesTheStoreAtTheStepBefore() {
        Migration first = new Migration(1, "first", List.of("CREATE TABLE a (x INTEGER)"));
        Migration broken = new Migration(2, "broken", List.of("CREATE TABLE b (y INTEGER)", "THIS IS NOT SQL"));

        assertThatThrownBy(() -> Database.open(dataDir, List.of(first, broken))).isInstanceOf(StoreException.class);

        try (Database db = Database.open(dataDir, List.of(first))) {
            assertThat(versions(db)).containsExactly(1);
            assertThat(tables(db)).contains("a").doesNotContain("b");
        }
    }

    @Test
    void refusesAStoreWrittenByANewerEmber() throws IOException {
        try (Database db = Database.open(dataDir)) {
            db.inTransaction(c -> c.createStatement().executeUpdate(
                    "INSERT INTO schema_version (version, description) VALUES (999, 'from the future')"));
        }

        assertThatThrownBy(() -> Database.open(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema version 999");
        assertThatDataDirectoryIsFree();
    }

    private void assertThatDataDirectoryIsFree() throws IOException {
        try (var channel = FileChannel.open(dataDir.resolve("ember.lock"), StandardOpenOption.WRITE);
             var lock = channel.tryLock()) {
            assertThat(lock).isNotNull();
        }
    }

    @Test
    void oneProcessPerDataDirectory() {
        try (Database first = Database.open(dataDir)) {
            assertThatThrownBy(() -> Database.open(dataDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another Ember server");
            assertThat(first.schemaVersion()).isPositive();
        }
        Database.open(dataDir).close();
    }

    @Test
    void commitsWhatTheWorkDid() {
        try (Database db = Database.open(dataDir, List.of(table()))) {
            int result = db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)"));

            assertThat(result).isEqualTo(1);
            assertThat(query(db, "SELECT COUNT(*) FROM t")).isEqualTo(1);
        }
        try (Database db = Database.open(dataDir, List.of(table()))) {
            assertThat(query(db, "SELECT COUNT(*) FROM t")).isEqualTo(1);
        }
    }

    @Test
    void rollsBackOnAnyExceptionAndRethrowsItUnchecked() {
        try (Database db = Database.open(dataDir, List.of(table()))) {
            IllegalArgumentException runtime = new IllegalArgumentException("no");
            assertThatThrownBy(() -> db.inTransaction(c -> {
                c.createStatement().executeUpdate("INSERT INTO t VALUES (1)");
                throw runtime;
            })).isSameAs(runtime);
            assertThatThrownBy(() -> db.inTransaction(c -> {
                c.createStatement().executeUpdate("INSERT INTO t VALUES (2)");
                throw new IOException("disk");
            })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("disk");
            assertThatThrownBy(() -> db.inTransaction(c -> {
                c.createStatement().executeUpdate("INSERT INTO t VALUES (3)");
                return c.createStatement().executeUpdate("INSERT INTO nowhere VALUES (3)");
            })).isInstanceOf(StoreException.class).hasCauseInstanceOf(SQLException.class);

            assertThat(query(db, "SELECT COUNT(*) FROM t")).isZero();
            db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (4)"));
            assertThat(query(db, "SELECT SUM(x) FROM t")).isEqualTo(4);
        }
    }

    @Test
    void enforcesForeignKeys() {
        try (Database db = Database.open(dataDir)) {
            assertThatThrownBy(() -> db.inTransaction(c -> c.createStatement().executeUpdate(
                    "INSERT INTO aliases VALUES ('missing', 'a', '1', '', '{}', 'r')")))
                    .isInstanceOf(StoreException.class);
        }
    }

    @Test
    void transactionsAreNotReentrant() {
        try (Database db = Database.open(dataDir, List.of(table()))) {
            assertThatThrownBy(() -> db.inTransaction(c -> db.inTransaction(inner -> 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not reentrant");
        }
    }

    @Test
    void readsCannotWrite() {
        try (Database db = Database.open(dataDir, List.of(table()))) {
            assertThatThrownBy(() -> db.read(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)")))
                    .isInstanceOf(StoreException.class);
            assertThat(query(db, "SELECT COUNT(*) FROM t")).isZero();
        }
    }

    @Test
    void writersAreSerialisedAndReadersRunAlongside() throws Exception {
        try (Database db = Database.open(dataDir, List.of(table()));
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            var slow = executor.submit(() -> db.inTransaction(c -> {
                c.createStatement().executeUpdate("INSERT INTO t VALUES (1)");
                inside.countDown();
                release.await();
                return null;
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            // A reader is not blocked by the open write transaction and does not see it.
            assertThat(query(db, "SELECT COUNT(*) FROM t")).isZero();
            var second = new FutureTask<>(() -> db.inTransaction(
                    c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (2)")));
            Thread secondWriter = Thread.ofPlatform().start(second);
            // Parked (WAITING) is where a writer queued behind the open transaction stops; no sleep to guess when.
            await().atMost(Duration.ofSeconds(10)).until(() -> secondWriter.getState() == Thread.State.WAITING);
            assertThat(second).isNotDone();

            release.countDown();
            slow.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertThat(query(db, "SELECT SUM(x) FROM t")).isEqualTo(3);
        }
    }

    @Test
    void refusesWorkAfterClose() {
        Database db = Database.open(dataDir);
        db.close();
        db.close();

        assertThatThrownBy(() -> db.read(c -> 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> db.inTransaction(c -> 1)).isInstanceOf(IllegalStateException.class);
    }

    private static Migration table() {
        return new Migration(1, "t", List.of("CREATE TABLE t (x INTEGER NOT NULL)"));
    }

    private static int query(Database db, String sql) {
        Integer value = db.read(c -> count(c, sql));
        return value;
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (var rows = c.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static String pragma(Database db, String name) {
        return db.read(c -> {
            try (var rows = c.createStatement().executeQuery("PRAGMA " + name)) {
                rows.next();
                return rows.getString(1);
            }
        });
    }

    private static String writerPragma(Database db, String name) {
        return db.inTransaction(c -> {
            try (var rows = c.createStatement().executeQuery("PRAGMA " + name)) {
                rows.next();
                return rows.getString(1);
            }
        });
    }

    private static List<Integer> versions(Database db) {
        return db.read(c -> {
            List<Integer> versions = new ArrayList<>();
            try (var rows = c.createStatement().executeQuery("SELECT version FROM schema_version ORDER BY version")) {
                while (rows.next()) {
                    versions.add(rows.getInt(1));
                }
            }
            return versions;
        });
    }

    private static List<String> tables(Database db) {
        return db.read(c -> {
            List<String> tables = new ArrayList<>();
            try (var rows = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            return tables;
        });
    }
}
