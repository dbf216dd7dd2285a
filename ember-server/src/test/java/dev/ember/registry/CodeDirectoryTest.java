package dev.ember.registry;

import static dev.ember.registry.TestZips.zip;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The content-addressed code store: one blob per distinct zip, unpacked once, read-only. */
class CodeDirectoryTest extends RegistryTestCase {
    @Test
    void storesTheZipUnderItsHexDigest() throws Exception {
        byte[] zip = TestZips.hello();
        CodeInfo code = fixture.create("hello").code();

        Path archive = registry.codeArchive(code);

        assertThat(archive).isEqualTo(fixture.codeDir.resolve(code.hex() + ".zip")).hasBinaryContent(zip);
        assertThat(code.hex()).isEqualTo(HexFormat.of().formatHex(Base64.getDecoder().decode(code.sha256())));
    }

    @Test
    void identicalCodeIsStoredOnce() throws Exception {
        fixture.create("one");
        fixture.create("two");
        registry.updateCode("two", TestZips.hello(), true, null);

        assertThat(blobs()).hasSize(1);
    }

    @Test
    void unpacksWithTheModesOfTheZipReadOnly() throws Exception {
        byte[] zip = zip()
                .file("bootstrap", "#!/bin/sh\n", TestZips.FILE)
                .file("bin/tool", "tool", TestZips.EXECUTABLE)
                .file("lib/data.txt", "data", TestZips.FILE)
                .entry(TestZips.Entry.of("docs/readme", "no mode recorded".getBytes(), TestZips.NO_MODE, true))
                .file("nested/bootstrap", "only the root one is special", TestZips.FILE)
                .directory("empty/")
                .symlink("lib/tool", "../bin/tool")
                .build();
        CodeInfo code = registry.create(RegistryFixture.config("hello"), zip, false).code();

        Path dir = registry.codeDirectory(code);

        assertThat(dir).isEqualTo(fixture.codeDir.resolve(code.hex()));
        assertThat(dir.resolve("bin/tool")).hasContent("tool");
        assertThat(mode(dir.resolve("bootstrap"))).isEqualTo("r-xr-xr-x");
        assertThat(mode(dir.resolve("bin/tool"))).isEqualTo("r-xr-xr-x");
        assertThat(mode(dir.resolve("lib/data.txt"))).isEqualTo("r--r--r--");
        assertThat(mode(dir.resolve("docs/readme"))).isEqualTo("r--r--r--");
        assertThat(mode(dir.resolve("nested/bootstrap"))).isEqualTo("r--r--r--");
        for (String directory : List.of("", "bin", "lib", "docs", "nested", "empty")) {
            assertThat(mode(dir.resolve(directory))).as(directory).isEqualTo("r-xr-xr-x");
        }
        assertThat(Files.readSymbolicLink(dir.resolve("lib/tool"))).isEqualTo(Path.of("../bin/tool"));
        assertThat(dir.resolve("lib/tool")).hasContent("tool");
    }

    @Test
    void unpackedFilesKeepTheModificationTimesOfTheirEntries() throws Exception {
        Instant cacheTime = Instant.parse("2021-03-04T05:06:07Z");
        LocalDateTime jarTime = LocalDateTime.parse("2019-08-09T10:11:12");
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("bootstrap"));
            zip.write("#!/bin/sh\n".getBytes());
            // DOS time and the extended timestamp (UTC, to the second): what zip(1) writes too.
            ZipEntry cache = new ZipEntry("app.aot");
            cache.setLastModifiedTime(FileTime.from(cacheTime));
            zip.putNextEntry(cache);
            zip.write("cache".getBytes());
            // DOS time only: local time, to two seconds.
            ZipEntry jar = new ZipEntry("lib/app.jar");
            jar.setTimeLocal(jarTime);
            zip.putNextEntry(jar);
            zip.write("jar".getBytes());
        }
        CodeInfo code = registry.create(RegistryFixture.config("times"), bytes.toByteArray(), false).code();

        Path dir = registry.codeDirectory(code);

        assertThat(Files.getLastModifiedTime(dir.resolve("app.aot")).toInstant()).isEqualTo(cacheTime);
        assertThat(Files.getLastModifiedTime(dir.resolve("lib/app.jar")).toInstant())
                .isEqualTo(jarTime.atZone(ZoneId.systemDefault()).toInstant());
        assertThat(dir.resolve("lib/app.jar")).hasContent("jar");
        assertThat(mode(dir.resolve("app.aot"))).isEqualTo("r--r--r--");
    }

    @Test
    void unpacksOnceAndReturnsTheSameDirectory() throws Exception {
        CodeInfo code = fixture.create("hello").code();
        Path first = registry.codeDirectory(code);
        long modified = Files.getLastModifiedTime(first.resolve("bootstrap")).toMillis();

        assertThat(registry.codeDirectory(code)).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(first.resolve("bootstrap")).toMillis()).isEqualTo(modified);
    }

    @Test
    void concurrentCallersAllGetTheCompleteDirectory() throws Exception {
        TestZips big = zip();
        for (int i = 0; i < 500; i++) {
            big.file("f/" + i, "content " + i);
        }
        big.file("bootstrap", "x");
        CodeInfo code = registry.create(RegistryFixture.config("big"), big.build(), false).code();
        CountDownLatch start = new CountDownLatch(1);

        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Path>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(executor.submit(() -> {
                    start.await();
                    Path dir = registry.codeDirectory(code);
                    // whoever returns sees every file
                    try (var files = Files.list(dir.resolve("f"))) {
                        assertThat(files.count()).isEqualTo(500);
                    }
                    return dir;
                }));
            }
            start.countDown();
            for (Future<Path> call : calls) {
                assertThat(call.get()).isEqualTo(fixture.codeDir.resolve(code.hex()));
            }
        }
        try (var children = Files.list(fixture.codeDir)) {
            assertThat(children.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("."));
        }
    }

    @Test
    void leftoversOfACrashAreRemovedOnOpen() throws Exception {
        CodeInfo code = fixture.create("hello").code();
        fixture.close();
        Path halfUnpacked = fixture.codeDir.resolve(".unpack-" + code.hex() + "-crashed");
        Files.createDirectories(halfUnpacked.resolve("lib"));
        Files.writeString(halfUnpacked.resolve("lib/partial"), "par");
        Files.setPosixFilePermissions(halfUnpacked.resolve("lib"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Path halfUploaded = fixture.codeDir.resolve(".upload-crashed");
        Files.write(halfUploaded, new byte[] {1, 2, 3});

        fixture.reopen();

        assertThat(halfUnpacked).doesNotExist();
        assertThat(halfUploaded).doesNotExist();
        assertThat(fixture.registry.codeDirectory(code).resolve("bootstrap")).exists();
    }

    private List<Path> blobs() throws Exception {
        try (var children = Files.list(fixture.codeDir)) {
            return children.filter(p -> p.toString().endsWith(".zip")).toList();
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
