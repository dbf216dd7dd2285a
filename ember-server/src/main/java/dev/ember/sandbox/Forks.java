package dev.ember.sandbox;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps child processes from being forked while a file that may be executed is open for writing.
 *
 * <p>The JDK opens files without {@code O_CLOEXEC}, and its process launcher closes inherited descriptors only in
 * the child, just before the child's own exec. A process started while a function's {@code bootstrap} is being
 * written holds a write descriptor of it for that moment, and an exec of the bootstrap then fails with
 * {@code ETXTBSY} ("Text file busy"; the sandbox reports exit status 126): a cold start lost to bad timing.
 * {@link ProcessBuilder#start()} returns only once the child has exec'd, so its inherited descriptors are closed by
 * then; writes take the shared side of one lock, starts the exclusive side.
 */
public final class Forks {
    private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();

    private Forks() {
    }

    /** Work that writes files a process may execute, run while no process is being started. */
    @FunctionalInterface
    public interface Writing {
        void run() throws IOException;
    }

    /** Runs {@code writing} (other writes may run beside it); no process starts until it returns. */
    public static void writing(Writing writing) throws IOException {
        LOCK.readLock().lock();
        try {
            writing.run();
        } finally {
            LOCK.readLock().unlock();
        }
    }

    /** Starts {@code builder}'s process once no executable file is being written. */
    public static Process start(ProcessBuilder builder) throws IOException {
        LOCK.writeLock().lock();
        try {
            return builder.start();
        } finally {
            LOCK.writeLock().unlock();
        }
    }
}
