package dev.ember.runtimeapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** The curl command line as a client, as a shell {@code bootstrap} uses it. */
final class Curl {

    /** What curl got; headers of the last response, names lower-cased. */
    record Result(int exitCode, int status, Map<String, String> headers, String body, String stderr) {
    }

    private Curl() {
    }

    /** Runs {@code curl -sS <args> <url>} and waits for it to exit. */
    static Result run(String url, String... args) {
        return finish(start(url, args));
    }

    static Running start(String url, String... args) {
        try {
            Path dir = Files.createTempDirectory("curl");
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60",
                    "-D", dir.resolve("headers").toString(), "-o", dir.resolve("body").toString(),
                    "-w", "%{http_code}"));
            command.addAll(List.of(args));
            command.add(url);
            Process process = new ProcessBuilder(command)
                    .redirectError(dir.resolve("stderr").toFile())
                    .start();
            return new Running(process, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Running(Process process, Path dir) {
    }

    static Result finish(Running running) {
        try {
            if (!running.process().waitFor(90, TimeUnit.SECONDS)) {
                running.process().destroyForcibly();
                throw new AssertionError("curl did not finish");
            }
            String status = new String(running.process().getInputStream().readAllBytes(), UTF_8).trim();
            Path dir = running.dir();
            Map<String, String> headers = new TreeMap<>();
            if (Files.exists(dir.resolve("headers"))) {
                for (String line : Files.readAllLines(dir.resolve("headers"), UTF_8)) {
                    if (line.startsWith("HTTP/")) {
                        headers.clear(); // a 100 Continue comes first
                    }
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).trim());
                    }
                }
            }
            String body = Files.exists(dir.resolve("body")) ? Files.readString(dir.resolve("body")) : "";
            return new Result(running.process().exitValue(), status.isEmpty() ? 0 : Integer.parseInt(status), headers,
                    body, Files.readString(dir.resolve("stderr")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
