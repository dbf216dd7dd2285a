package dev.ember.bench.sandbox;

import dev.ember.bench.BenchFunctions;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * What a sandbox costs a cold start: the first invocation of a provided no-op (pure bash, so the runtime itself
 * starts in a few ms) with no warm environment, on a server that sandboxes and on one that starts plain processes,
 * measured in the same run. Each cold start follows a configuration update, which retires the warm environment.
 */
public final class SandboxBenchmark {
    private static final String FUNCTION = "cold-noop";
    /**
     * Joining a cgroup (v1) waits for an RCU grace period when no other join happened just before: about 15 ms on
     * an idle VM. Expedited grace periods (a host-wide kernel setting) cut that to well under a millisecond.
     */
    private static final Path RCU_EXPEDITED = Path.of("/sys/kernel/rcu_expedited");

    private final int coldStarts;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
        var dataDir = Files.createTempDirectory("ember-bench-sandbox");
        try (EmberServer server = EmberServer.start(ServerOptions.defaults().withPort(0).withDataDir(dataDir)
                .withSandbox(sandbox))) {
            URI endpoint = server.endpoint();
            BenchFunctions.deploy(client, endpoint, FUNCTION, "provided.al2023", "none", BenchFunctions.bashNoOp());
            URI invoke = endpoint.resolve("/2015-03-31/functions/" + FUNCTION + "/invocations");
            URI configuration = endpoint.resolve("/2015-03-31/functions/" + FUNCTION + "/configuration");
            int warmUp = 5;
            double[] latencies = new double[coldStarts];
            for (int i = -warmUp; i < coldStarts; i++) {
                send(HttpRequest.newBuilder(configuration).PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"Description\":\"cold start " + i + "\"}")).build(), 200);
                LockSupport.parkNanos(20_000_000); // lets the retired environment's teardown finish first
                long started = System.nanoTime();
                send(HttpRequest.newBuilder(invoke).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), 200);
                if (i >= 0) {
                    latencies[i] = (System.nanoTime() - started) / 1e6;
                }
            }
            Arrays.sort(latencies);
            return new Result(latencies, BenchFunctions.percentile(latencies, 50),
                    BenchFunctions.percentile(latencies, 95));
        }
    }

    private void send(HttpRequest request, int expected) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected || response.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
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
