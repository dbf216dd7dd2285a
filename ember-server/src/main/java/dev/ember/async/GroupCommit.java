package dev.ember.async;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import dev.ember.store.Database;
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

/**
 * Writes of the asynchronous queue, many to a transaction: every caller waits until its write is durable, but
 * concurrent writers share one commit and its fsync. An Event invocation is acknowledged only once its row is on
 * disk; with one fsync per event the disk's sync rate would be the platform's acceptance rate.
 *
 * <p>If a batch fails, each of its writes is retried in a transaction of its own, so one bad write fails only its
 * caller. Writes are SQL only: a batch's work may run twice (rolled back once), so it must not act outside the
 * store.
 */
final class GroupCommit implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCommit.class.getName());
    /** Writes in one transaction at most: bounds the transaction's size and the wait of its first writer. */
    private static final int MAX_BATCH = 512;

    /** Statements run in a transaction of the batch's. */
    @FunctionalInterface
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private record Write(Work work, CompletableFuture<Void> done) {
    }

    private static final Write STOP = new Write(c -> { }, new CompletableFuture<>());

    private final Database db;
    private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    GroupCommit(Database db) {
        this.db = db;
        // A platform thread: the SQLite driver is native code, which would pin a virtual thread's carrier anyway.
        this.writer = Thread.ofPlatform().daemon().name("ember-async-commit").start(this::run);
    }

    /**
     * Runs {@code work} in a transaction shared with other writers; returns once it is durable.
     *
     * @throws RuntimeException what {@code work} or the commit threw; ServiceException when closed
     */
    void write(Work work) {
        var write = new Write(work, new CompletableFuture<>());
        synchronized (this) {
            // Under the lock close() adds STOP with: a write is either ahead of STOP, and committed, or refused.
            if (closed) {
                throw shuttingDown();
            }
            writes.add(write);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    write.done().get();
                    return;
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
                left.forEach(w -> w.done().completeExceptionally(shuttingDown()));
                return;
            }
        }
    }

    private void commit(List<Write> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            db.inTransaction(c -> {
                for (Write write : batch) {
                    write.work().run(c);
                }
                return null;
            });
            batch.forEach(w -> w.done().complete(null));
        } catch (RuntimeException | Error failure) {
            if (batch.size() == 1) {
                batch.getFirst().done().completeExceptionally(failure);
                return;
            }
            LOG.log(Level.DEBUG, "A batch of {0} asynchronous queue writes failed ({1}); writing them one by one",
                    batch.size(), failure.toString());
            for (Write write : batch) {
                try {
                    db.inTransaction(c -> {
                        write.work().run(c);
                        return null;
                    });
                    write.done().complete(null);
                } catch (RuntimeException | Error e) {
                    write.done().completeExceptionally(e);
                }
            }
        }
    }

    private static LambdaException shuttingDown() {
        return LambdaException.of(ErrorType.SERVICE, "Ember is shutting down");
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
