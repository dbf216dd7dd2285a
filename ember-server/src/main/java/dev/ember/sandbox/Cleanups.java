package dev.ember.sandbox;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Teardowns of environments, run off the caller's thread (removing a control group can take a few retries while the
 * kernel lets go of exited tasks) and awaited when the server closes, so nothing of a closed server is left behind.
 */
final class Cleanups {
    private final Set<CompletableFuture<Void>> running = ConcurrentHashMap.newKeySet();

    void run(Runnable cleanup) {
        var done = new CompletableFuture<Void>();
        running.add(done);
        Thread.ofVirtual().name("sandbox-cleanup").start(() -> {
            try {
                cleanup.run();
            } finally {
                done.complete(null);
                running.remove(done);
            }
        });
    }

    /** Waits for the teardowns under way, at most {@code seconds}. */
    void await(long seconds) {
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // Left for the next server on this data directory to reap.
        }
    }
}
