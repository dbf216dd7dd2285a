package dev.ember.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The embedded store: one SQLite file, {@code <dataDir>/ember.db}, that survives {@code kill -9} of the server at any
 * moment. Every write that {@link #inTransaction} acknowledged is on disk.
 *
 * <pre>{@code
 * try (Database db = Database.open(Path.of(".ember"))) {
 *     db.inTransaction(c -> {
 *         try (var delete = c.prepareStatement("DELETE FROM aliases WHERE function_name = ?")) {
 *             delete.setString(1, "hello");
 *             return delete.executeUpdate();
 *         }
 *     });
 *     List<String> names = db.read(c -> ...);
 * }
 * }</pre>
 *
 * <p>How it stays safe: write-ahead log ({@code journal_mode=WAL}) so readers never block the writer, and
 * {@code synchronous=FULL} so a commit returns only after the log is fsync'd (survives power loss, not just a killed
 * process). Writers are serialised on one connection in this process; readers take pooled read-only connections and
 * see the last committed state. One process per data directory: {@code ember.lock} is held while open.
 *
 * <p>The schema is built by the ordered steps of {@link Schema} on open; see there for the SQL dialect rules that keep
 * it portable to PostgreSQL.
 */
public final class Database implements AutoCloseable {
    /** The database file in the data directory. */
    public static final String FILE_NAME = "ember.db";
    private static final String LOCK_FILE_NAME = "ember.lock";
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);
    private static final int IDLE_READERS = 4;

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Connection writer;
    private final ConcurrentLinkedDeque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
    private final int schemaVersion;
    private volatile boolean closed;

    private Database(Path file, FileChannel lockChannel, FileLock lock, Connection writer, List<Migration> migrations)
            throws SQLException {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.writer = writer;
        this.schemaVersion = migrate(migrations);
    }

    /**
     * Opens (creating when absent) the store in {@code dataDir} and brings its schema up to date.
     *
     * @throws IllegalStateException when another process has the data directory open, or its schema is newer than
     *                               this build knows
     * @throws StoreException        when the file cannot be opened or a migration fails
     */
    public static Database open(Path dataDir) {
        return open(dataDir, Schema.MIGRATIONS);
    }

    static Database open(Path dataDir, List<Migration> migrations) {
        Objects.requireNonNull(dataDir, "dataDir");
        FileChannel lockChannel = null;
        Connection writer = null;
        try {
            Files.createDirectories(dataDir);
            lockChannel = FileChannel.open(dataDir.resolve(LOCK_FILE_NAME),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockChannel, dataDir);
            Path file = dataDir.resolve(FILE_NAME);
            writer = connect(file, false);
            return new Database(file, lockChannel, lock, writer, migrations);
        } catch (IOException | SQLException | RuntimeException e) {
            closeQuietly(writer, e);
            closeQuietly(lockChannel, e);
            throw switch (e) {
                case RuntimeException runtime -> runtime;
                default -> new StoreException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
            };
        }
    }

    private static FileLock tryLock(FileChannel channel, Path dataDir) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException("the data directory " + dataDir.toAbsolutePath()
                    + " is in use by another Ember server; stop it or choose another data directory");
        }
        return lock;
    }

    private static Connection connect(Path file, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
        config.enforceForeignKeys(true);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(),
                config.toProperties());
        try {
            if (readOnly) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA query_only = ON");
                }
            }
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection, e);
            throw e;
        }
    }

    private int migrate(List<Migration> migrations) throws SQLException {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalStateException("migrations must be numbered 1, 2, 3, ... in order; step " + (i + 1)
                        + " has version " + migrations.get(i).version());
            }
        }
        int current = inTransaction(c -> {
            try (Statement statement = c.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL)");
                try (var rows = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
                    return rows.next() ? rows.getInt(1) : 0;
                }
            }
        });
        if (current > migrations.size()) {
            throw new IllegalStateException("the store " + file + " has schema version " + current
                    + " but this Ember knows only up to " + migrations.size() + "; it was written by a newer Ember");
        }
        for (Migration migration : migrations.subList(current, migrations.size())) {
            inTransaction(c -> {
                try (Statement statement = c.createStatement()) {
                    for (String sql : migration.statements()) {
                        statement.execute(sql);
                    }
                }
                try (var insert = c.prepareStatement(
                        "INSERT INTO schema_version (version, description) VALUES (?, ?)")) {
                    insert.setInt(1, migration.version());
                    insert.setString(2, migration.description());
                    insert.executeUpdate();
                }
                return null;
            });
        }
        return migrations.size();
    }

    /**
     * Runs {@code work} in a write transaction and commits it. Writers are serialised: one transaction at a time
     * in this process. On any exception the transaction is rolled back and the exception rethrown: unchecked ones
     * as they are, {@link SQLException} and others wrapped in {@link StoreException}, {@link IOException} in
     * {@link UncheckedIOException}. Not reentrant: calling it from inside {@code work} throws.
     *
     * @return what {@code work} returned, after the commit is durable
     */
    public <T> T inTransaction(SqlWork<T> work) {
        Objects.requireNonNull(work, "work");
        if (writeLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("inTransaction is not reentrant: do all the work in one transaction");
        }
        writeLock.lock();
        try {
            ensureOpen();
            try {
                // Transactions are begun and ended by statements, not by the driver's auto-commit switch, so that an
                // idle connection holds no lock. IMMEDIATE takes the write lock at BEGIN: a transaction never fails
                // half-way on a lock upgrade.
                execute(writer, "BEGIN IMMEDIATE");
                T result = work.run(writer);
                execute(writer, "COMMIT");
                return result;
            } catch (Throwable failure) {
                rollbackQuietly(writer, failure);
                throw unchecked(failure);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs {@code work} on a read-only connection that sees one consistent snapshot of the last committed state.
     * Reads run in parallel with each other and with the writer. Exceptions are rethrown as by {@link #inTransaction}.
     */
    public <T> T read(SqlWork<T> work) {
        return read(work, true);
    }

    /**
     * Runs {@code work}, which must be a single query, on a read-only connection: the query sees one snapshot of the
     * last committed state by itself (SQLite gives every statement outside a transaction its own), so this saves
     * the {@code BEGIN} and {@code ROLLBACK} of {@link #read}, a good part of the time of a lookup by key.
     */
    public <T> T readOne(SqlWork<T> work) {
        return read(work, false);
    }

    private <T> T read(SqlWork<T> work, boolean transaction) {
        Objects.requireNonNull(work, "work");
        ensureOpen();
        Connection reader = idleReaders.pollFirst();
        try {
            if (reader == null) {
                reader = connect(file, true);
            }
            if (transaction) {
                execute(reader, "BEGIN");
            }
            T result = work.run(reader);
            if (transaction) {
                execute(reader, "ROLLBACK");
            }
            return result;
        } catch (Throwable failure) {
            closeQuietly(reader, failure);
            reader = null;
            throw unchecked(failure);
        } finally {
            if (reader != null) {
                release(reader);
            }
        }
    }

    private void release(Connection reader) {
        if (!closed && idleReaders.size() < IDLE_READERS) {
            idleReaders.addFirst(reader);
            // close() may have drained the pool between the check and the add: then this one is ours to close.
            if (!closed || !idleReaders.remove(reader)) {
                return;
            }
        }
        closeQuietly(reader, null);
    }

    /** The schema version the store is at: the number of {@link Schema} steps applied. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** Closes every connection and releases the data directory. Idempotent. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            List<Throwable> failures = new ArrayList<>();
            for (Connection reader; (reader = idleReaders.pollFirst()) != null; ) {
                closeCollecting(reader, failures);
            }
            closeCollecting(writer, failures);
            closeCollecting(lock::release, failures);
            closeCollecting(lockChannel, failures);
            if (!failures.isEmpty()) {
                StoreException failure = new StoreException("closing the store " + file + " failed",
                        failures.getFirst());
                failures.subList(1, failures.size()).forEach(failure::addSuppressed);
                throw failure;
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the store " + file + " is closed");
        }
    }

    private static RuntimeException unchecked(Throwable failure) {
        return switch (failure) {
            case RuntimeException e -> e;
            case Error e -> throw e;
            case IOException e -> new UncheckedIOException(e);
            case InterruptedException e -> {
                Thread.currentThread().interrupt();
                yield new StoreException("interrupted", e);
            }
            default -> new StoreException(failure.getMessage(), failure);
        };
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            execute(connection, "ROLLBACK");
        } catch (SQLException e) {
            // A failed BEGIN or COMMIT may have ended the transaction already; that is no second failure.
            if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void closeCollecting(AutoCloseable closeable, List<Throwable> failures) {
        try {
            closeable.close();
        } catch (Exception e) {
            failures.add(e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable, Throwable failure) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }
}
