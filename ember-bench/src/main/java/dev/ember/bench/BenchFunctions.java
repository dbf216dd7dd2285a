package dev.ember.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The no-op functions benchmarks deploy, and deploying them over Ember's control plane. */
public final class BenchFunctions {
    /**
     * 1,769 MB: one full core, as Lambda gives; smaller functions get a proportional share of a core in a sandbox,
     * which would measure the share, not Ember.
     */
    public static final int MEMORY_MB = 1769;

    private BenchFunctions() {
    }

    /** Creates a function of {@link #MEMORY_MB} with a 30 s timeout. */
    public static void deploy(HttpClient client, URI endpoint, String name, String runtime, String handler,
                              byte[] zip) throws IOException, InterruptedException {
        deploy(client, endpoint, name, runtime, handler, zip, MEMORY_MB);
    }

    /** Creates a function of {@code memoryMb} with a 30 s timeout. */
    public static void deploy(HttpClient client, URI endpoint, String name, String runtime, String handler,
                              byte[] zip, int memoryMb) throws IOException, InterruptedException {
        deploy(client, endpoint, name, runtime, handler, zip, memoryMb, Map.of());
    }

    /** Creates a function of {@code memoryMb} with a 30 s timeout and these environment variables. */
    public static void deploy(HttpClient client, URI endpoint, String name, String runtime, String handler,
                              byte[] zip, int memoryMb, Map<String, String> variables)
            throws IOException, InterruptedException {
        String body = "{\"FunctionName\":\"%s\",\"Runtime\":\"%s\",\"Handler\":\"%s\",\"MemorySize\":%d,"
                .formatted(name, runtime, handler, memoryMb)
                + (variables.isEmpty() ? "" : "\"Environment\":" + environment(variables) + ",")
                + "\"Timeout\":30,\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString(zip) + "\"}}";
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(endpoint.resolve("/2015-03-31/functions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("deploying " + name + " failed: " + created.body());
        }
    }

    /** {@code {"Variables":{...}}}, as CreateFunction and UpdateFunctionConfiguration take it. */
    public static String environment(Map<String, String> variables) {
        return variables.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .collect(Collectors.joining(",", "{\"Variables\":{", "}}"));
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * The provided no-op: a runtime in pure bash over {@code /dev/tcp}, so no process is spawned per invocation (a
     * curl-based bootstrap spends ~30 ms per invocation on fork/exec here, which would measure the shell, not Ember).
     */
    public static byte[] bashNoOp() {
        try (InputStream in = BenchFunctions.class.getResourceAsStream("bash-noop-bootstrap")) {
            return zip(Map.of("bootstrap", in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java25 no-op: {@link NoOpHandler}'s class in a zip. */
    public static byte[] javaNoOp() {
        String resource = NoOpHandler.class.getName().replace('.', '/') + ".class";
        try (InputStream in = NoOpHandler.class.getClassLoader().getResourceAsStream(resource)) {
            return zip(Map.of(resource, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] zip(Map<String, byte[]> files) {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (var file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Deletes a benchmark's temporary directory, a server's data directory included (its code store is read-only);
     * best effort: what cannot be deleted is left, with a warning.
     */
    public static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            List<Path> all = paths.toList();
            for (Path path : all) { // parents first: a read-only directory's entries cannot be deleted
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
                }
            }
            for (Path path : all.reversed()) {
                Files.delete(path);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: cannot delete " + root + ": " + e);
        }
    }

    /** The percentile {@code p} (0–100) of sorted values. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
