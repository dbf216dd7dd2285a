package dev.ember.server;

import dev.ember.testing.Packages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ember server} as a separate process, so tests can SIGKILL it like a crash would. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Ember listening on (http://[0-9.]+:\\d+)");

    private final Process process;
    private final URI endpoint;
    private final StringBuilder output = new StringBuilder();

    private ServerProcess(List<String> prefix, String classpath, Path dataDir, String isolation)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Packages.java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                "dev.ember.cli.EmberCli", "server", "--port", "0", "--data-dir", dataDir.toString(),
                "--isolation", isolation));
        process = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true).start();
        var found = new CompletableFuture<URI>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        found.complete(URI.create(matcher.group(1)));
                    }
                }
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
            found.completeExceptionally(new IllegalStateException("server exited:\n" + output()));
        });
        try {
            endpoint = found.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not start:\n" + output(), e);
        }
    }

    static ServerProcess start(Path dataDir) throws IOException, InterruptedException {
        return new ServerProcess(List.of(), System.getProperty("java.class.path"), dataDir, "sandbox");
    }

    /** A server whose runtimes are plain child processes ({@code --isolation none}). */
    static ServerProcess unsandboxed(Path dataDir) throws IOException, InterruptedException {
        return new ServerProcess(List.of(), System.getProperty("java.class.path"), dataDir, "none");
    }

    /** A server run by the unprivileged user {@code uid} (through setpriv), from {@code classpath}. */
    static ServerProcess asUser(int uid, String classpath, Path dataDir) throws IOException, InterruptedException {
        return new ServerProcess(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                "--"), classpath, dataDir, "sandbox");
    }

    URI endpoint() {
        return endpoint;
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** SIGKILL: no shutdown hook, no flush, as a crash or power cut of the process would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the server shuts down as on Ctrl-C, removing its environments and their cgroups. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
