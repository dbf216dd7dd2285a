package dev.ember.bench.timers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.BenchFunctions;
import dev.ember.server.EmberServer;
import dev.ember.server.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Timers never start cold: a function called every {@code period} over {@code fires} calls, once by a schedule (an
 * EventBridge rate rule, which the pool knows ahead) and once by Event invocations at the same times (which it cannot
 * foresee), under each scaling policy. Counts the cold starts from the function's REPORT lines ({@code Init Duration},
 * as Lambda writes them) and the memory idle environments held, from the server's own count ({@code IdleMbSeconds}).
 *
 * <p>The server runs on a clock this benchmark moves, so a day of fires takes seconds: it jumps over the quiet
 * stretches (to a policy's planned pre-warm, then to 40 s before the fire) and near the fire runs at 100 times real
 * time, 100 ms of clock per real millisecond, so an environment's real start of a few milliseconds shows as a few
 * hundred clock milliseconds. At each fire the clock stands still until the call has ended. Environments are plain
 * processes (the bash no-op of 128 MB): this measures the policy, not the sandbox.
 */
public final class TimerBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final int MEMORY_MB = 128;
    private static final Duration APPROACH = Duration.ofSeconds(40);
    private static final Duration STEP = Duration.ofMillis(100);
    private static final String FUNCTION = "timer";

    private final int fires;
    private final Duration period;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * One way of calling the function.
     *
     * @param policy          the server's scaling policy
     * @param scheduled       called by a schedule (known ahead), else by Event invocations at the same times
     * @param coldStarts      calls that started cold
     * @param idleMbMinutes   memory held idle over the run (until a period after the last call)
     * @param idleSecondsPerCall idle environment-seconds per call
     * @param wallSeconds     how long the series took in real time
     */
    public record Series(String policy, boolean scheduled, int calls, int coldStarts, double idleMbMinutes,
                         double idleSecondsPerCall, double wallSeconds) {
        public String name() {
            return policy + (scheduled ? "/schedule" : "/unforeseen");
        }

        public String json() {
            return String.format(Locale.ROOT, "{\"policy\":\"%s\",\"scheduled\":%s,\"calls\":%d,\"coldStarts\":%d,"
                    + "\"idleMbMinutes\":%.1f,\"idleSecondsPerCall\":%.1f,\"wallSeconds\":%.1f}", policy, scheduled,
                    calls, coldStarts, idleMbMinutes, idleSecondsPerCall, wallSeconds);
        }
    }

    public TimerBenchmark(int fires, Duration period) {
        this.fires = fires;
        this.period = period;
    }

    /** Every policy given, unforeseen then scheduled. */
    public List<Series> run(List<String> policies) throws Exception {
        List<Series> all = new ArrayList<>();
        for (String policy : policies) {
            all.add(series(policy, false));
            all.add(series(policy, true));
        }
        return all;
    }

    /** A clock that moves only when told. */
    private static final class SteppedClock implements InstantSource {
        private final AtomicLong millis = new AtomicLong(START.toEpochMilli());

        void set(Instant to) {
            millis.accumulateAndGet(to.toEpochMilli(), Math::max);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }

    private Series series(String policy, boolean scheduled) throws Exception {
        Path dataDir = Files.createTempDirectory("ember-bench-timers");
        SteppedClock clock = new SteppedClock();
        long began = System.nanoTime();
        try (EmberServer server = EmberServer.start(ServerOptions.defaults().withPort(0).withDataDir(dataDir)
                .withSandbox(false).withClock(clock).withPolicy(policy).withHousekeeping(Duration.ofMillis(1)))) {
            URI endpoint = server.endpoint();
            BenchFunctions.deploy(client, endpoint, FUNCTION, "provided.al2023", "none", BenchFunctions.bashNoOp(),
                    MEMORY_MB);
            if (scheduled) {
                long minutes = period.toMinutes();
                events(endpoint, "PutRule", "{\"Name\":\"every\",\"ScheduleExpression\":\"rate(" + minutes
                        + (minutes == 1 ? " minute" : " minutes") + ")\"}");
                events(endpoint, "PutTargets", "{\"Rule\":\"every\",\"Targets\":[{\"Id\":\"t\",\"Arn\":"
                        + "\"arn:aws:lambda:us-east-1:000000000000:function:" + FUNCTION + "\"}]}");
            }
            for (int call = 1; call <= fires; call++) {
                Instant at = START.plus(period.multipliedBy(call));
                approach(endpoint, clock, at);
                if (!scheduled) {
                    invokeEvent(endpoint);
                }
                awaitReports(endpoint, call);
            }
            clock.set(START.plus(period.multipliedBy(fires + 1L)));
            Thread.sleep(20); // housekeeping evicts what is past its keep-alive
            List<String> reports = reports(endpoint);
            int cold = (int) reports.stream().filter(line -> line.contains("Init Duration")).count();
            double idleMbSeconds = scaling(endpoint).path("IdleMbSeconds").asDouble();
            return new Series(policy, scheduled, reports.size(), cold, idleMbSeconds / 60,
                    idleMbSeconds / MEMORY_MB / fires, (System.nanoTime() - began) / 1e9);
        } finally {
            BenchFunctions.deleteTree(dataDir);
        }
    }

    /**
     * Moves the clock to {@code at}: first to a pre-warm the policy planned before then (so it starts when planned),
     * then to {@link #APPROACH} before the call, then in steps of {@link #STEP} a real millisecond apart.
     */
    private void approach(URI endpoint, SteppedClock clock, Instant at) throws Exception {
        Instant near = at.minus(APPROACH);
        JsonNode scaling = scaling(endpoint);
        if (scaling.has("NextPrewarm")) {
            Instant planned = Instant.parse(scaling.path("NextPrewarm").asText());
            if (planned.isAfter(clock.instant()) && planned.isBefore(near)) {
                clock.set(planned);
                Thread.sleep(5); // housekeeping starts it
            }
        }
        clock.set(near);
        while (clock.instant().isBefore(at)) {
            Thread.sleep(1);
            Instant next = clock.instant().plus(STEP);
            clock.set(next.isAfter(at) ? at : next);
        }
    }

    private void events(URI endpoint, String operation, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint.resolve("/"))
                .header("X-Amz-Target", "AWSEvents." + operation)
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(operation + " failed: " + response.body());
        }
    }

    private void invokeEvent(URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                endpoint.resolve("/2015-03-31/functions/" + FUNCTION + "/invocations"))
                .header("X-Amz-Invocation-Type", "Event").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("the Event invocation failed: " + response.body());
        }
    }

    private List<String> reports(URI endpoint) throws IOException, InterruptedException {
        String log = client.send(HttpRequest.newBuilder(endpoint.resolve("/ember/v1/functions/" + FUNCTION
                + "/logs")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return log.lines().filter(line -> line.contains("REPORT RequestId")).toList();
    }

    /** Waits, the clock standing still, until {@code count} calls have ended. */
    private void awaitReports(URI endpoint, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reports(endpoint).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("call " + count + " did not happen within 30 s");
            }
            Thread.sleep(2);
        }
    }

    private JsonNode scaling(URI endpoint) throws IOException, InterruptedException {
        return JSON.readTree(client.send(HttpRequest.newBuilder(endpoint.resolve("/ember/v1/functions/" + FUNCTION
                + "/scaling")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
