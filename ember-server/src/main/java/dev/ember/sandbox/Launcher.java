package dev.ember.sandbox;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one thread that starts sandboxed processes. It must be a platform thread that never ends, for two reasons:
 * bubblewrap's {@code --die-with-parent} is {@code PR_SET_PDEATHSIG}, which fires when the <em>thread</em> that
 * forked exits (a pooled or virtual thread's carrier would kill sandboxes at random); and a network namespace entered
 * with {@code unshare} belongs to the calling thread only, so binding an environment's Runtime API and forking its
 * runtime inside that namespace must happen on one thread, which then returns to the host's namespace.
 */
final class Launcher {
    private static final Launcher SHARED = new Launcher();

    private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile int hostNetwork = -1;

    private Launcher() {
        Thread.ofPlatform().daemon().name("ember-sandbox-launcher").start(this::loop);
    }

    /** A descriptor of the network namespace the launcher thread started in (the host's), or -1. */
    int hostNetwork() {
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return hostNetwork;
    }

    /** The launcher of this JVM: one thread serves every server in it, and stays for the JVM's lifetime. */
    static Launcher shared() {
        return SHARED;
    }

    /** Runs {@code task} on the launcher thread and returns its result. */
    <T> T run(Callable<T> task) throws IOException {
        var future = new FutureTask<>(task);
        tasks.add(future);
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while launching", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    private void loop() {
        // Opened here, not through run(): a task submitted from the constructor would wait for this class's
        // initialisation, which waits for the constructor.
        try {
            hostNetwork = Linux.open("/proc/thread-self/ns/net");
        } catch (IOException | RuntimeException e) {
            hostNetwork = -1;
        } finally {
            started.countDown();
        }
        while (true) {
            try {
                tasks.take().run();
            } catch (InterruptedException e) {
                // Never stops: processes it started must not see their parent thread exit.
            }
        }
    }
}
