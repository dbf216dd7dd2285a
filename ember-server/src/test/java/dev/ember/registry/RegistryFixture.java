package dev.ember.registry;

import dev.ember.lambda.Arns;
import dev.ember.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A registry on a fresh data directory, with a clock that moves only when told. */
final class RegistryFixture implements AutoCloseable {
    static final Instant START = Instant.parse("2025-03-04T05:06:07.089Z");
    static final Arns ARNS = Arns.defaults();

    final Path dataDir;
    final Path codeDir;
    final TestClock clock = new TestClock(START);
    Database db;
    FunctionRegistry registry;

    RegistryFixture(Path dataDir) {
        this.dataDir = dataDir;
        this.codeDir = dataDir.resolve("code");
        open();
    }

    private void open() {
        db = Database.open(dataDir);
        registry = FunctionRegistry.open(db, codeDir, ARNS, clock);
    }

    void reopen() {
        close();
        open();
    }

    @Override
    public void close() {
        registry.close();
        db.close();
    }

    /** A valid configuration of a provided-runtime function with the defaults. */
    static FunctionConfig config(String name) {
        return new FunctionConfig(name, Runtime.PROVIDED_AL2023, "handler.sh", null, "", 3, 128, Map.of(), 512);
    }

    FunctionVersion create(String name) {
        return registry.create(config(name), TestZips.hello(), false);
    }

    /** Every row of every table, the code directory's files, and what the registry answers: to compare. */
    Snapshot snapshot() {
        List<String> rows = db.read(c -> {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = c.createStatement().executeQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            List<String> all = new ArrayList<>();
            for (String table : tables) {
                try (ResultSet row = c.createStatement().executeQuery("SELECT * FROM " + table)) {
                    int columns = row.getMetaData().getColumnCount();
                    while (row.next()) {
                        StringBuilder line = new StringBuilder(table);
                        for (int i = 1; i <= columns; i++) {
                            line.append(" | ").append(row.getString(i));
                        }
                        all.add(line.toString());
                    }
                }
            }
            all.sort(null);
            return all;
        });
        List<Object> model = new ArrayList<>();
        for (FunctionVersion latest : registry.list(null, 10_000, false).items()) {
            model.addAll(registry.listVersions(latest.name(), null, 10_000).items());
            model.addAll(registry.listAliases(latest.name(), null, null, 10_000).items());
        }
        return new Snapshot(rows, files(codeDir), model);
    }

    /** Each file under {@code root}: relative path, type, permissions, size and content digest. */
    static List<String> files(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.sorted().map(path -> describe(root, path)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Path root, Path path) {
        try {
            String permissions = Files.isSymbolicLink(path) ? "link->" + Files.readSymbolicLink(path)
                    : PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
            String content = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)))
                    : "";
            return root.relativize(path) + " " + permissions + " " + content;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compared with equals: rows and files as text, the registry's answers as the records it returned. */
    record Snapshot(List<String> rows, List<String> files, List<Object> model) {
    }

    /** An {@link InstantSource} fixed at one instant until a test advances it. */
    static final class TestClock implements InstantSource {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }
}
