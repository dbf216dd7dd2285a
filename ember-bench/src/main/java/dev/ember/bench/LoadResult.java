package dev.ember.bench;

/**
 * What one closed-loop load run measured.
 *
 * @param concurrency   callers, each waiting for its answer before sending again
 * @param requests      requests completed in the measured window
 * @param errors        requests that failed
 * @param seconds       the measured window
 * @param p50Micros     median latency
 * @param p99Micros     99th percentile latency
 */
public record LoadResult(int concurrency, long requests, long errors, double seconds, double p50Micros,
                         double p99Micros) {

    /** Requests completed per second of the measured window. */
    public double throughput() {
        return requests / seconds;
    }

    String json() {
        return "{\"concurrency\":%d,\"requests\":%d,\"errors\":%d,\"throughputPerSecond\":%.0f,\"p50Micros\":%.0f,"
                .formatted(concurrency, requests, errors, throughput(), p50Micros)
                + "\"p99Micros\":%.0f}".formatted(p99Micros);
    }
}
