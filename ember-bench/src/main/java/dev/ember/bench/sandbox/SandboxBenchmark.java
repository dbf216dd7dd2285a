package dev.ember.bench.sandbox;

import dev.ember.bench.BenchFunctions;
import dev.ember.bench.cold.ColdBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a sandbox costs a cold start: the first invocation of a provided no-op (pure bash, so the runtime itself
 * starts in a few ms) with no warm environment, on a server that sandboxes and on one that starts plain processes,
 * measured in the same run, as {@code ./ember bench cold --runtime provided} does them.
 */
public final class SandboxBenchmark {
    /**
     * Joining a cgroup (v1) waits for an RCU grace period when no other join happened just before: about 15 ms on
     * an idle VM. Expedited grace periods (a host-wide kernel setting) cut that to well under a millisecond.
     */
    private static final Path RCU_EXPEDITED = Path.of("/sys/kernel/rcu_expedited");

    private final int coldStarts;

    public SandboxBenchmark(int coldStarts) {
        this.coldStarts = coldStarts;
    }

    /**
     * Cold-start latencies in ms, sorted.
     *
     * @param p50Ms median
     * @param p95Ms 95th percentile
     */
    public record Result(double[] sortedMs, double p50Ms, double p95Ms) {
        String json() {
            return "{\"p50Ms\":%.2f,\"p95Ms\":%.2f,\"minMs\":%.2f,\"n\":%d}".formatted(p50Ms, p95Ms, sortedMs[0],
                    sortedMs.length);
        }
    }

    /**
     * The sandboxed run as the host is, the sandboxed run with expedited RCU grace periods (when this is root and the
     * host has the knob; else null), and the plain run.
     */
    public Result[] run() throws Exception {
        Result sandboxed = measure(true);
        Result expedited = null;
        String before = Files.isWritable(RCU_EXPEDITED) ? Files.readString(RCU_EXPEDITED).trim() : null;
        if (before != null) {
            try {
                Files.writeString(RCU_EXPEDITED, "1");
                expedited = measure(true);
            } finally {
                Files.writeString(RCU_EXPEDITED, before);
            }
        }
        return new Result[] {sandboxed, expedited, measure(false)};
    }

    private Result measure(boolean sandbox) throws Exception {
        double[] latencies = new ColdBenchmark("provided", coldStarts).coldStarts(sandbox);
        return new Result(latencies, BenchFunctions.percentile(latencies, 50),
                BenchFunctions.percentile(latencies, 95));
    }

    /** The JSON the command prints; {@code expedited} may be null. */
    public static String json(Result sandboxed, Result expedited, Result plain) {
        String json = "{\"benchmark\":\"sandbox\",\"runtime\":\"provided (bash no-op)\",\"sandboxed\":"
                + sandboxed.json() + ",\"plain\":" + plain.json()
                + ",\"sandboxAddsP50Ms\":%.2f,\"sandboxAddsP95Ms\":%.2f".formatted(sandboxed.p50Ms() - plain.p50Ms(),
                sandboxed.p95Ms() - plain.p95Ms());
        if (expedited != null) {
            json += ",\"sandboxedRcuExpedited\":" + expedited.json()
                    + ",\"sandboxRcuExpeditedAddsP50Ms\":%.2f".formatted(expedited.p50Ms() - plain.p50Ms());
        }
        return json + "}";
    }
}
