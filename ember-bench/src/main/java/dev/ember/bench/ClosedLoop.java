package dev.ember.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator: {@code concurrency} virtual threads each send a request, wait for it, and repeat,
 * first for a warm-up, then for the measured window. Latencies are recorded per thread, merged at the end.
 */
public final class ClosedLoop {
    private ClosedLoop() {
    }

    /** One request; returns false when it failed. */
    @FunctionalInterface
    public interface Request {
        boolean send() throws Exception;
    }

    /**
     * Runs the load and returns what the measured window saw.
     *
     * @param concurrency callers, each with its own {@link Request} from {@code perThread}
     * @param warmUp      time before measuring starts (requests run, latencies dropped)
     * @param measure     the measured window
     * @throws Exception when {@code perThread} fails to make a caller's request
     */
    public static LoadResult run(int concurrency, Duration warmUp, Duration measure, Callable<Request> perThread)
            throws Exception {
        long[][] samples = new long[concurrency][];
        int[] counts = new int[concurrency];
        AtomicLong errors = new AtomicLong();
        var done = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long measureTo = measureFrom + measure.toNanos();
        for (int t = 0; t < concurrency; t++) {
            int thread = t;
            Request request = perThread.call();
            Thread.ofVirtual().start(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                try {
                    while (true) {
                        long sent = System.nanoTime();
                        if (sent >= measureTo) {
                            break;
                        }
                        boolean ok;
                        try {
                            ok = request.send();
                        } catch (Exception e) {
                            ok = false; // counted, and this caller keeps going: concurrency must not drop
                        }
                        long took = System.nanoTime() - sent;
                        if (sent >= measureFrom) {
                            if (!ok) {
                                errors.incrementAndGet();
                            }
                            if (n == latencies.length) {
                                latencies = Arrays.copyOf(latencies, n * 2);
                            }
                            latencies[n++] = took;
                        }
                    }
                } finally {
                    samples[thread] = latencies;
                    counts[thread] = n;
                    done.countDown();
                }
            });
        }
        done.await();
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < concurrency; t++) {
            System.arraycopy(samples[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new LoadResult(concurrency, total, errors.get(), measure.toNanos() / 1e9,
                percentile(all, 0.50) / 1e3, percentile(all, 0.99) / 1e3);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
