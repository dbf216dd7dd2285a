package dev.ember.bench.state;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.ember.state.client.Namespace;
import dev.ember.state.client.State;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The function of {@code ./ember bench state}: runs a closed load loop against the state API from inside its own
 * environment and answers what it measured. It ships alone with {@code lib/ember-state.jar}, so it depends on nothing
 * of the benchmark module.
 *
 * <p>Event: {@code {"mode", "threads", "warmUpMs", "measureMs", "startAtMs"?, "samples"?}}. Modes: {@code read} (one
 * key, the ember-state client), {@code readJdkHttpClient} (the same GET with {@code java.net.http.HttpClient}),
 * {@code write} (unconditional puts, each thread its own key), {@code increment} (one counter of the function's
 * namespace), {@code echo} (a raw HTTP round trip to an echo server in this process: the loopback baseline),
 * {@code readRawSocket} (the read of {@code read} with the least HTTP client there is: what the server costs without
 * the client), {@code ping} (sleeps {@code holdMs}, to hold an environment busy).
 * Answer: {@code {"ops", "errors", "completed", "seconds", "p50Micros", "p99Micros", "firstError"?,
 * "latenciesMicros"?}}: {@code ops} in the measured window, {@code completed} warm-up included.
 */
public class StateLoad implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** About what a small document of a real function weighs: 96 bytes. */
    static final Map<String, Object> VALUE = Map.of("user", "ann", "items", List.of("tea", "cup", "saucer"),
            "total", 12.5, "updated", 1_765_000_000_000L, "note", "x".repeat(16));
    private static final State STATE = State.fromEnvironment();

    /** One operation of the loop, made per thread. */
    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String mode = (String) event.get("mode");
        int threads = integer(event, "threads", 1);
        long warmUpMs = integer(event, "warmUpMs", 1000);
        long measureMs = integer(event, "measureMs", 3000);
        long startAtMs = ((Number) event.getOrDefault("startAtMs", 0)).longValue();
        boolean samples = Boolean.TRUE.equals(event.get("samples"));
        Namespace own = STATE.own();
        try {
            return switch (mode) {
                case "ping" -> {
                    Thread.sleep(integer(event, "holdMs", 0));
                    yield Map.of("pong", true);
                }
                case "read" -> {
                    own.put("bench/read", VALUE);
                    yield loop(threads, warmUpMs, measureMs, startAtMs, samples, t -> () -> {
                        if (own.get("bench/read").isEmpty()) {
                            throw new IllegalStateException("bench/read is absent");
                        }
                    });
                }
                case "readJdkHttpClient" -> {
                    own.put("bench/read", VALUE);
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + System.getenv(
                            "AWS_LAMBDA_RUNTIME_API") + "/ember/v1/state/namespaces/" + own.name()
                            + "/keys/bench%2Fread")).header("X-Ember-State-Token", System.getenv("EMBER_STATE_TOKEN"))
                            .build();
                    yield loop(threads, warmUpMs, measureMs, startAtMs, samples, t -> () -> {
                        HttpResponse<byte[]> response = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("GET answered " + response.statusCode());
                        }
                    });
                }
                case "write" -> loop(threads, warmUpMs, measureMs, startAtMs, samples, t -> {
                    String key = "bench/write/" + t;
                    return () -> own.put(key, VALUE);
                });
                case "increment" -> loop(threads, warmUpMs, measureMs, startAtMs, samples,
                        t -> () -> own.increment("bench/counter"));
                case "echo" -> {
                    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                        Thread.ofPlatform().daemon().start(() -> serveEcho(echo));
                        yield loop(threads, warmUpMs, measureMs, startAtMs, samples, t -> {
                            RawHttp raw = new RawHttp(new InetSocketAddress(echo.getInetAddress(),
                                    echo.getLocalPort()), "/echo", null);
                            return raw::roundTrip;
                        });
                    }
                }
                case "readRawSocket" -> {
                    own.put("bench/read", VALUE);
                    String[] api = System.getenv("AWS_LAMBDA_RUNTIME_API").split(":");
                    yield loop(threads, warmUpMs, measureMs, startAtMs, samples, t -> {
                        RawHttp raw = new RawHttp(new InetSocketAddress(api[0], Integer.parseInt(api[1])),
                                "/ember/v1/state/namespaces/" + own.name() + "/keys/bench%2Fread",
                                System.getenv("EMBER_STATE_TOKEN"));
                        return raw::roundTrip;
                    });
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int integer(Map<String, Object> event, String name, int otherwise) {
        return event.get(name) instanceof Number n ? n.intValue() : otherwise;
    }

    /**
     * {@code threads} platform threads each run their operation in a loop: from {@code startAtMs} (when given, so
     * that several environments start together), a warm-up, then the measured window.
     */
    static Map<String, Object> loop(int threads, long warmUpMs, long measureMs, long startAtMs, boolean samples,
                                    java.util.function.IntFunction<Operation> perThread) throws InterruptedException {
        long wait = startAtMs - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        long start = System.nanoTime();
        long from = start + warmUpMs * 1_000_000;
        long to = from + measureMs * 1_000_000;
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        String[] firstError = new String[1];
        var done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                try {
                    Operation operation = perThread.apply(thread);
                    while (true) {
                        long began = System.nanoTime();
                        if (began >= to) {
                            break;
                        }
                        try {
                            operation.run();
                        } catch (Exception e) {
                            if (began >= from) {
                                errors.incrementAndGet();
                            }
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = e.toString();
                                }
                            }
                            continue;
                        }
                        long ended = System.nanoTime();
                        completed.incrementAndGet();
                        if (began >= from) {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = ended - began;
                        }
                    }
                } finally {
                    latencies[thread] = mine;
                    counts[thread] = n;
                    done.countDown();
                }
            });
        }
        done.await();
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ops", total);
        result.put("errors", errors.get());
        result.put("completed", completed.get());
        result.put("seconds", measureMs / 1000.0);
        result.put("p50Micros", percentile(all, 50) / 1000.0);
        result.put("p99Micros", percentile(all, 99) / 1000.0);
        if (firstError[0] != null) {
            result.put("firstError", firstError[0]);
        }
        if (samples) {
            List<Long> micros = new ArrayList<>(all.length);
            for (long nanos : all) {
                micros.add(nanos / 1000);
            }
            result.put("latenciesMicros", micros);
        }
        return result;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Answers every request on every connection with a fixed 200, as fast as a loopback server can. */
    private static void serveEcho(ServerSocket server) {
        byte[] answer = ("HTTP/1.1 200 OK\r\nETag: \"1\"\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(StandardCharsets.US_ASCII);
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    try (socket) {
                        socket.setTcpNoDelay(true);
                        InputStream in = socket.getInputStream();
                        OutputStream out = socket.getOutputStream();
                        byte[] buffer = new byte[8192];
                        int matched = 0;
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            for (int i = 0; i < n; i++) {
                                // requests without bodies: each ends at CRLF CRLF
                                matched = buffer[i] == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1
                                        : buffer[i] == '\r' ? 1 : 0;
                                if (matched == 4) {
                                    out.write(answer);
                                    matched = 0;
                                }
                            }
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the loop ended
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * The least an HTTP/1.1 client can do: one kept-alive socket, a fixed GET written at once, the answer read up to
     * its Content-Length (any status). The baseline's client, so that the series differ only in the server.
     */
    static final class RawHttp {
        private final byte[] request;
        private final InetSocketAddress address;
        private final byte[] buffer = new byte[16384];
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        RawHttp(InetSocketAddress address, String path, String token) {
            this.address = address;
            this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\n" + (token == null ? "" : "X-Ember-State-Token: " + token + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        void roundTrip() throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(address);
                in = socket.getInputStream();
                out = socket.getOutputStream();
            }
            out.write(request);
            out.flush();
            int have = 0;
            int headEnd = -1;
            int length = -1;
            while (true) {
                int n = in.read(buffer, have, buffer.length - have);
                if (n < 0) {
                    socket.close();
                    socket = null;
                    throw new IOException("the server closed the connection");
                }
                have += n;
                if (headEnd < 0) {
                    String text = new String(buffer, 0, have, StandardCharsets.ISO_8859_1);
                    headEnd = text.indexOf("\r\n\r\n");
                    if (headEnd >= 0) {
                        int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
                        length = at < 0 || at > headEnd ? 0 : Integer.parseInt(text.substring(at + 15,
                                text.indexOf("\r\n", at)).trim());
                        headEnd += 4;
                    }
                }
                if (headEnd >= 0 && have >= headEnd + length) {
                    return;
                }
            }
        }
    }
}
