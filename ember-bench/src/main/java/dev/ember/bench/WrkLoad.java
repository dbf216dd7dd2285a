package dev.ember.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from {@code wrk} (Debian's package), a load generator in C running as its own process: it costs the machine far
 * less CPU per request than a JDK client in the benchmark's JVM, so it shows more of what the server can do.
 */
public final class WrkLoad {
    private static final Path WRK = Path.of("/usr/bin/wrk");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)s");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private WrkLoad() {
    }

    /** Whether wrk is installed. */
    public static boolean available() {
        return Files.isExecutable(WRK);
    }

    /**
     * POSTs {@code body} to {@code url} from {@code concurrency} connections on one wrk thread: a warm-up, then the
     * measured run.
     *
     * @throws IllegalStateException when wrk fails or prints something this parser does not know
     */
    public static LoadResult run(String url, String body, int concurrency, Duration warmUp, Duration measure) {
        try {
            Path script = Files.createTempFile("ember-wrk", ".lua");
            try {
                Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = \"" + body.replace("\"", "\\\"")
                        + "\"\n");
                wrk(script, url, concurrency, warmUp);
                return parse(concurrency, wrk(script, url, concurrency, measure));
            } finally {
                Files.deleteIfExists(script);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String wrk(Path script, String url, int concurrency, Duration duration) throws IOException {
        Process wrk = new ProcessBuilder(WRK.toString(), "-t1", "-c" + concurrency,
                "-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", "-s", script.toString(), url)
                .redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!wrk.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
                throw new IllegalStateException("wrk failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wrk.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        return output;
    }

    /** Reads wrk's summary: request count and duration, the latency distribution's 50% and 99% lines. */
    static LoadResult parse(int concurrency, String output) {
        Matcher requests = REQUESTS.matcher(output);
        if (!requests.find()) {
            throw new IllegalStateException("no request count in wrk's output:\n" + output);
        }
        Matcher errors = NON_2XX.matcher(output);
        return new LoadResult(concurrency, Long.parseLong(requests.group(1)),
                errors.find() ? Long.parseLong(errors.group(1)) : 0, Double.parseDouble(requests.group(2)),
                percentile(output, "50%").orElseThrow(() -> new IllegalStateException("no 50% line:\n" + output)),
                percentile(output, "99%").orElseThrow(() -> new IllegalStateException("no 99% line:\n" + output)));
    }

    /** A latency line such as {@code 50%  615.00us} in microseconds. */
    private static Optional<Double> percentile(String output, String label) {
        Matcher line = Pattern.compile("^\\s*" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s)\\s*$",
                Pattern.MULTILINE).matcher(output);
        if (!line.find()) {
            return Optional.empty();
        }
        double value = Double.parseDouble(line.group(1));
        return Optional.of(switch (line.group(2)) {
            case "us" -> value;
            case "ms" -> value * 1e3;
            default -> value * 1e6;
        });
    }
}
