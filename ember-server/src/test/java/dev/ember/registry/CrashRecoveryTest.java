package dev.ember.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ember.lambda.Arns;
import dev.ember.store.Database;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writing server loses nothing it acknowledged: a child JVM ({@link CrashWriter}) writes in a loop and
 * prints each acknowledged write; it is killed with SIGKILL at a random moment, several times over the same data
 * directory; then the store must open cleanly with every acknowledged write in it, and no unpacked code directory
 * may be incomplete.
 */
class CrashRecoveryTest {
    private static final int ROUNDS = 3;
    private static final String END = "\u0000end";

    @TempDir
    Path dataDir;
    @TempDir
    Path logs;

    record Ack(String name, String version, String sha256, String versionRevision, String latestRevision) {
    }

    record Update(String name, String revision, String description) {
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Map<String, Ack> acks = new HashMap<>();
        Map<String, Update> updates = new HashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            runAndKill(round, acks, updates);
            assertUnpackedDirectoriesAreComplete();
        }

        try (Database db = Database.open(dataDir)) {
            String integrity = db.read(c -> {
                try (var rows = c.createStatement().executeQuery("PRAGMA integrity_check")) {
                    rows.next();
                    return rows.getString(1);
                }
            });
            assertThat(integrity).isEqualTo("ok");
            FunctionRegistry registry = FunctionRegistry.open(db, dataDir.resolve("code"), Arns.defaults(),
                    InstantSource.fixed(RegistryFixture.START));
            assertThat(acks).hasSizeGreaterThanOrEqualTo(ROUNDS * 5);
            for (Ack ack : acks.values()) {
                FunctionVersion latest = registry.get(ack.name(), null);
                assertThat(latest.code().sha256()).as(ack.name()).isEqualTo(ack.sha256());
                if (ack.version().equals("1")) {
                    assertThat(registry.get(ack.name(), "1").revisionId()).isEqualTo(ack.versionRevision());
                }
                Update update = updates.get(ack.name());
                if (update != null) {
                    assertThat(latest.revisionId()).as(ack.name()).isEqualTo(update.revision());
                    assertThat(latest.config().description()).isEqualTo(update.description());
                    assertThat(latest.config().environment()).containsKey("ROUND");
                }
                assertThat(registry.codeArchive(latest.code())).exists();
            }
            // The registry's open removed what the kills left half-written.
            try (Stream<Path> children = Files.list(dataDir.resolve("code"))) {
                assertThat(children.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
            }
            // and every function, acknowledged or not, can still be unpacked
            for (FunctionVersion version : registry.list(null, 10_000, true).items()) {
                assertThat(registry.codeDirectory(version.code()).resolve("bootstrap")).exists();
            }
            registry.close();
        }
    }

    private void runAndKill(int round, Map<String, Ack> acks, Map<String, Update> updates) throws Exception {
        Path stderr = logs.resolve("writer-" + round + ".err");
        Process writer = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), dataDir.toString())
                .redirectError(stderr.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the stream closes when the process is killed
            } finally {
                lines.add(END);
            }
        });
        try {
            int acknowledged = 0;
            int target = 5 + ThreadLocalRandom.current().nextInt(10);
            while (acknowledged < target) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                if (line == null || line.equals(END)) {
                    fail("the writer stopped before it was killed: " + Files.readString(stderr));
                }
                if (line.startsWith("ACK ")) {
                    acknowledged++;
                }
                record(line, acks, updates);
            }
            // Somewhere inside the next write: a commit, a blob upload or an unpack.
            Thread.sleep(ThreadLocalRandom.current().nextInt(40));
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // Lines the writer printed before it died were acknowledged too.
        for (String line; !(line = lines.take()).equals(END); ) {
            record(line, acks, updates);
        }
        assertThat(writer.exitValue()).isEqualTo(137);
    }

    private static void record(String line, Map<String, Ack> acks, Map<String, Update> updates) {
        if (!line.endsWith(" .")) {
            return; // the last line, cut by the kill: an acknowledgement the writer never finished giving
        }
        line = line.substring(0, line.length() - 2);
        if (line.startsWith("ACK ")) {
            String[] f = line.split(" ");
            acks.put(f[1], new Ack(f[1], f[2], f[3], f[4], f[5]));
        } else if (line.startsWith("UPDATE ")) {
            String[] f = line.split(" ", 4);
            updates.put(f[1], new Update(f[1], f[2], f[3]));
        }
    }

    /** Every directory named like a digest holds exactly its package, read back from the blob. */
    private void assertUnpackedDirectoriesAreComplete() throws IOException {
        Path codeDir = dataDir.resolve("code");
        if (!Files.isDirectory(codeDir)) {
            return;
        }
        List<Path> unpacked = new ArrayList<>();
        try (Stream<Path> children = Files.list(codeDir)) {
            children.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .forEach(unpacked::add);
        }
        for (Path dir : unpacked) {
            byte[] zip = Files.readAllBytes(codeDir.resolve(dir.getFileName() + ".zip"));
            ZipArchive archive = ZipArchive.open(ByteBuffer.wrap(zip));
            for (DeploymentPackage.Item item : DeploymentPackage.layout(archive)) {
                Path file = dir.resolve(item.path());
                if (item.kind() == DeploymentPackage.Kind.FILE) {
                    var content = new ByteArrayOutputStream();
                    archive.extract(item.entry(), Long.MAX_VALUE, content);
                    assertThat(file).as(file.toString()).hasBinaryContent(content.toByteArray());
                }
            }
        }
    }
}
