package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeArchiveTest {
    @TempDir
    Path dir;

    private Path code;

    @BeforeEach
    void functionDirectory() throws IOException {
        code = Files.createDirectories(dir.resolve("function"));
        write("bootstrap", "#!/bin/sh\nexec ./lib/run.sh\n", "rwx------");
        write("lib/run.sh", "echo run\n", "rwxr-x---");
        write("lib/data.txt", "data\n", "rw-------");
        write("z.txt", "last\n", "rw-rw-rw-");
        write("a/b/c.json", "{}", "rw-r--r--");
    }

    private void write(String name, String content, String permissions) throws IOException {
        Path file = code.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    @Test
    void zipsEntriesByNameWithRelativeForwardSlashPaths() throws IOException {
        Map<String, String> entries = entries(CodeArchive.of(code).zip());

        assertThat(entries).containsExactly(
                Map.entry("a/", ""), Map.entry("a/b/", ""), Map.entry("a/b/c.json", "{}"),
                Map.entry("bootstrap", "#!/bin/sh\nexec ./lib/run.sh\n"), Map.entry("lib/", ""),
                Map.entry("lib/data.txt", "data\n"), Map.entry("lib/run.sh", "echo run\n"), Map.entry("z.txt", "last\n"));
    }

    @Test
    void keepsTheOwnersExecutableBitAsUnixModes() throws IOException {
        Path zip = Files.write(dir.resolve("out.zip"), CodeArchive.of(code).zip());

        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"))) {
            assertThat(mode(fs, "bootstrap")).isEqualTo("rwxr-xr-x");
            assertThat(mode(fs, "lib/run.sh")).isEqualTo("rwxr-xr-x");
            assertThat(mode(fs, "lib/data.txt")).isEqualTo("rw-r--r--");
            assertThat(mode(fs, "z.txt")).isEqualTo("rw-r--r--");
            assertThat(mode(fs, "lib/")).isEqualTo("rwxr-xr-x");
        }
    }

    private static String mode(FileSystem zip, String name) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(zip.getPath(name)));
    }

    @Test
    void unzipSeesUnixModesAndExtractsAnExecutableBootstrap() throws Exception {
        assumeTrue(onPath("unzip"), "unzip is not installed");
        Path zip = Files.write(dir.resolve("out.zip"), CodeArchive.of(code).zip());

        String listing = run(List.of("unzip", "-Z", zip.toString()));
        assertThat(listing).containsPattern("(?m)^-rwxr-xr-x +[0-9.]+ unx .* bootstrap$")
                .containsPattern("(?m)^-rw-r--r-- +[0-9.]+ unx .* lib/data.txt$")
                .containsPattern("(?m)^drwxr-xr-x +[0-9.]+ unx .* lib/$");

        Path extracted = dir.resolve("extracted");
        run(List.of("unzip", "-q", zip.toString(), "-d", extracted.toString()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(extracted.resolve("bootstrap"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(Files.readString(extracted.resolve("lib/run.sh"))).isEqualTo("echo run\n");
    }

    @Test
    void theSameFilesGiveTheSameBytes() throws IOException {
        byte[] first = CodeArchive.of(code).zip();
        Files.setLastModifiedTime(code.resolve("bootstrap"), FileTime.fromMillis(0));
        Files.setPosixFilePermissions(code.resolve("z.txt"), PosixFilePermissions.fromString("rw-r-----"));

        assertThat(CodeArchive.of(code).zip()).isEqualTo(first);
    }

    @Test
    void sendsAZipOrAJarAsItIs() throws IOException {
        byte[] zip = CodeArchive.of(code).zip();
        Path jar = Files.write(dir.resolve("Hello.JAR"), zip);

        CodeArchive archive = CodeArchive.of(jar);

        assertThat(archive.zip()).isEqualTo(zip);
        assertThat(archive.source()).isEqualTo("Hello.JAR");
    }

    @Test
    void refusesWhatItCannotDeploy() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty/sub"));
        Path fake = Files.writeString(dir.resolve("fake.zip"), "not a zip");

        assertThatThrownBy(() -> CodeArchive.of(empty.getParent())).isInstanceOf(CliException.class)
                .hasMessage("--code " + empty.getParent() + " holds no files to deploy");
        assertThatThrownBy(() -> CodeArchive.of(fake)).isInstanceOf(CliException.class)
                .hasMessage("--code " + fake + " is not a zip archive");
        assertThatThrownBy(() -> CodeArchive.of(dir.resolve("missing.zip"))).isInstanceOf(CliException.class)
                .hasMessage("--code " + dir.resolve("missing.zip") + " does not exist");
    }

    private static Map<String, String> entries(byte[] zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
