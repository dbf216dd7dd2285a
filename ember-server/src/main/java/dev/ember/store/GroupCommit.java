package dev.ember.store;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Group commit: writes of many callers in one transaction of {@link Database}, so that concurrent writers share one
 * commit and its fsync. Every caller waits until its write is durable; with one fsync per write, the disk's sync rate
 * would be the rate at which Ember can acknowledge anything (an Event invocation, a state write).
 *
 * <pre>{@code
 * GroupCommit commits = new GroupCommit(db, "state", () -> new IllegalStateException("closed"));
 * long version = commits.commit(c -> insertRow(c));   // returns once the row is on disk
 * }</pre>
 *
 * <p>The writes of a batch run one after the other on the writer's connection, so each sees the ones before it. If
 * a batch fails, each of its writes is retried in a transaction of its own, so one bad write fails only its caller.
 * Writes are SQL only: a batch's work may run twice (rolled back once), so it must not act outside the store, and
 * what it returns is that of the run that committed. A write that should fail without failing its batch (a
 * precondition that does not hold) returns that outcome instead of throwing. Thread-safe.
 */
public final class GroupCommit implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCommit.class.getName());
    /** Writes in one transaction at most: bounds the transaction's size and the wait of its first writer. */
    private static final int MAX_BATCH = 512;

    /** Statements run in a transaction of the batch's, returning nothing. */
    @FunctionalInterface
    public interface Work {
        void run(Connection c) throws SQLException;
    }

    private record Write(SqlWork<?> work, CompletableFuture<Object> done) {
    }

    private static final Write STOP = new Write(c -> null, new CompletableFuture<>());

    private final Database db;
    private final Supplier<? extends RuntimeException> whenClosed;
    private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * Starts the writer thread.
     *
     * @param name       names the thread ({@code ember-<name>-commit})
     * @param whenClosed the failure of a write submitted after {@link #close}
     */
    public GroupCommit(Database db, String name, Supplier<? extends RuntimeException> whenClosed) {
        this.db = db;
        this.whenClosed = whenClosed;
        // A platform thread: the SQLite driver is native code, which would pin a virtual thread's carrier anyway.
        this.writer = Thread.ofPlatform().daemon().name("ember-" + name + "-commit").start(this::run);
    }

    /**
     * Runs {@code work} in a transaction shared with other writers; returns once it is durable.
     *
     * @throws RuntimeException what {@code work} or the commit threw; {@code whenClosed}'s when closed
     */
    public void write(Work work) {
        commit(c -> {
            work.run(c);
            return null;
        });
    }

    /**
     * Runs {@code work} in a transaction shared with other writers; returns what it returned once it is durable.
     *
     * @throws RuntimeException what {@code work} or the commit threw; {@code whenClosed}'s when closed
     */
    @SuppressWarnings("unchecked")
    public <T> T commit(SqlWork<T> work) {
        var write = new Write(work, new CompletableFuture<>());
        synchronized (this) {
            // Under the lock close() adds STOP with: a write is either ahead of STOP, and committed, or refused.
            if (closed) {
                throw whenClosed.get();
            }
            writes.add(write);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return (T) write.done().get();
                } catch (InterruptedException e) {
                    // The write commits whatever the caller does: giving up would report a failure that did not
                    // happen (an acknowledged-looking event the caller retries). It is short; wait it out.
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        List<Write> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(writes.take());
            } catch (InterruptedException e) {
                return;
            }
            writes.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            commit(batch);
            if (stop) {
                List<Write> left = new ArrayList<>();
                writes.drainTo(left);
                left.forEach(w -> w.done().completeExceptionally(whenClosed.get()));
                return;
            }
        }
    }

    private void commit(List<Write> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Object[] results = new Object[batch.size()];
        try {
            db.inTransaction(c -> {
                for (int i = 0; i < batch.size(); i++) {
                    results[i] = batch.get(i).work().run(c);
                }
                return null;
            });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(results[i]);
            }
        } catch (RuntimeException | Error failure) {
            if (batch.size() == 1) {
                batch.getFirst().done().completeExceptionally(failure);
                return;
            }
            LOG.log(Level.DEBUG, "A batch of {0} writes failed ({1}); writing them one by one",
                    batch.size(), failure.toString());
            for (Write write : batch) {
                try {
                    write.done().complete(db.inTransaction(write.work()));
                } catch (RuntimeException | Error e) {
                    write.done().completeExceptionally(e);
                }
            }
        }
    }

    /** Commits what was submitted, then stops; later writes fail. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            writes.add(STOP);
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
