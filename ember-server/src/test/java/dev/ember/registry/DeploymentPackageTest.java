package dev.ember.registry;

import static dev.ember.registry.TestZips.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What makes a deployment package acceptable, checked before anything is written. */
class DeploymentPackageTest {
    private static final String COULD_NOT_UNZIP =
            "Could not unzip uploaded file. Please check your file, then try to upload again.";

    @Test
    void codeSha256IsBase64OfTheZipsSha256AndCodeSizeItsLength() throws Exception {
        byte[] zip = TestZips.hello();

        CodeInfo code = DeploymentPackage.validate(zip).code();

        assertThat(code.sha256()).isEqualTo(
                Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));
        assertThat(code.size()).isEqualTo(zip.length);
    }

    @Test
    void acceptsWhatJavasZipOutputStreamWrites() throws Exception {
        // Deflated entries with data descriptors (sizes after the data), as jar and most JVM tools write them.
        var bytes = new ByteArrayOutputStream();
        try (var out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("example/"));
            out.putNextEntry(new ZipEntry("example/Hello.class"));
            out.write("not really a class".repeat(100).getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(DeploymentPackage.validate(bytes.toByteArray()).code().size()).isEqualTo(bytes.size());
    }

    @Test
    void acceptsZip64SizesAndOffsets() {
        byte[] zip = zip().file("bootstrap", "#!/bin/sh\n", TestZips.EXECUTABLE).file("lib/a.txt", "a").zip64()
                .build();

        assertThat(DeploymentPackage.validate(zip).code().size()).isEqualTo(zip.length);
    }

    @Test
    void acceptsDotSegmentsAndSymbolicLinksThatStayInside() {
        byte[] zip = zip().file("./bin/tool", "x", TestZips.EXECUTABLE)
                .symlink("bin/tool-link", "tool")
                .symlink("lib/current", "../bin")
                .build();

        assertThat(DeploymentPackage.validate(zip).code().size()).isEqualTo(zip.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a zip at all", "PK\u0003\u0004 truncated"})
    void refusesWhatIsNotAZip(String content) {
        assertInvalid(content.getBytes(StandardCharsets.UTF_8), ErrorType.INVALID_PARAMETER_VALUE,
                content.isEmpty() ? "Please provide a source for function code" : COULD_NOT_UNZIP);
    }

    @Test
    void refusesATruncatedZip() {
        byte[] zip = TestZips.hello();

        assertInvalid(Arrays.copyOf(zip, zip.length - 10), ErrorType.INVALID_PARAMETER_VALUE, COULD_NOT_UNZIP);
    }

    @Test
    void refusesCorruptData() {
        byte[] zip = zip().file("bootstrap", "some content that is long enough to matter".repeat(20)).build();
        zip[40] ^= 0x55;

        assertInvalid(zip, ErrorType.INVALID_PARAMETER_VALUE, COULD_NOT_UNZIP);
    }

    @Test
    void refusesAnEntryWhoseCrcDoesNotMatch() {
        byte[] zip = zip().raw("bootstrap", TestZips.deflatedZeros(100), 100, TestZips.crcOfZeros(100) + 1).build();

        assertInvalid(zip, ErrorType.INVALID_PARAMETER_VALUE, COULD_NOT_UNZIP);
    }

    @Test
    void refusesAnEmptyZip() {
        assertInvalid(zip().build(), ErrorType.INVALID_PARAMETER_VALUE, "contains no files");
        assertInvalid(zip().directory("empty/").build(), ErrorType.INVALID_PARAMETER_VALUE, "contains no files");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "a/../../evil", "/etc/passwd", "a/b/../../../evil", "..\\..\\evil",
            "a\\b", "C:/Windows/evil", "lib/..", ".."})
    void refusesEntriesThatEscapeTheDirectoryNamingThem(String name) {
        byte[] zip = zip().file("bootstrap", "x").file(name, "evil").build();

        assertInvalid(zip, ErrorType.INVALID_PARAMETER_VALUE, "Invalid entry '" + name + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc", "../../outside", "../x/../../outside", "../../../../../../etc/passwd"})
    void refusesSymbolicLinksPointingOutside(String target) {
        byte[] zip = zip().file("bootstrap", "x").symlink("a/link", target).build();

        assertInvalid(zip, ErrorType.INVALID_PARAMETER_VALUE, "the symbolic link points to '" + target + "'");
    }

    @Test
    void refusesALinkClimbingThroughAnotherLink() {
        // up -> ../.. from a/b is the root; via/.. through it would be one level above the root.
        byte[] zip = zip().file("bootstrap", "x")
                .symlink("a/b/up", "../..")
                .symlink("escape", "a/b/up/..")
                .build();

        assertInvalid(zip, ErrorType.INVALID_PARAMETER_VALUE, "passes through the symbolic link 'a/b/up'");
    }

    @Test
    void refusesEntriesInsideASymbolicLink() {
        byte[] zip = zip().file("bootstrap", "x").symlink("lib", "bin").file("lib/evil", "x").build();

        assertInvalid(zip, ErrorType.INVALID_PARAMETER_VALUE, "it is inside the symbolic link 'lib'");
    }

    @Test
    void refusesDuplicatesAndFilesThatAreDirectories() {
        assertInvalid(zip().file("bootstrap", "a").file("bootstrap", "b").build(),
                ErrorType.INVALID_PARAMETER_VALUE, "contains 'bootstrap' more than once");
        assertInvalid(zip().file("lib", "a").file("lib/x", "b").build(),
                ErrorType.INVALID_PARAMETER_VALUE, "contains 'lib' both as a file and as a directory");
    }

    @Test
    void refusesMoreThan20000Entries() {
        TestZips many = zip();
        for (int i = 0; i <= 20_000; i++) {
            many.empty("f" + i);
        }

        assertInvalid(many.build(), ErrorType.INVALID_PARAMETER_VALUE,
                "The deployment package has 20001 entries; at most 20000 entries are allowed");
    }

    @Test
    void accepts20000Entries() {
        TestZips many = zip();
        for (int i = 0; i < 20_000; i++) {
            many.empty("f" + i);
        }

        assertThat(DeploymentPackage.validate(many.build())).isNotNull();
    }

    @Test
    void refusesAZipBombByInflatingForReal() {
        // Two entries of 150 MB of zeros each, in a few hundred KB; the headers tell the truth.
        long size = 150L * 1024 * 1024;
        byte[] zeros = TestZips.deflatedZeros(size);
        long crc = TestZips.crcOfZeros(size);
        byte[] bomb = zip().raw("zeros1", zeros, size, crc).raw("zeros2", zeros, size, crc).build();

        assertThat(bomb.length).isLessThan(2_000_000);
        assertInvalid(bomb, ErrorType.INVALID_PARAMETER_VALUE, "Unzipped size must be smaller than 262144000 bytes");
    }

    @Test
    void refusesAZipBombWhoseHeadersLieAboutItsSize() {
        long size = 270L * 1024 * 1024;
        byte[] bomb = zip().raw("bootstrap", TestZips.deflatedZeros(size), 10, 0).build();

        assertInvalid(bomb, ErrorType.INVALID_PARAMETER_VALUE, "Unzipped size must be smaller than 262144000 bytes");
    }

    @Test
    void acceptsJustUnder250MegabytesUnzipped() {
        long size = 262_144_000L;
        byte[] zip = zip().raw("zeros", TestZips.deflatedZeros(size), size, TestZips.crcOfZeros(size)).build();

        assertThat(DeploymentPackage.validate(zip)).isNotNull();
    }

    @Test
    void refusesAnEntryLargerThanItsHeaderSaysEvenBelowTheLimit() {
        byte[] lying = zip().raw("bootstrap", TestZips.deflatedZeros(1000), 10, TestZips.crcOfZeros(10)).build();

        assertInvalid(lying, ErrorType.INVALID_PARAMETER_VALUE, COULD_NOT_UNZIP);
    }

    @Test
    void refusesAZipOver50MegabytesAsRequestTooLarge() {
        byte[] big = zip().entry(TestZips.Entry.of("big", new byte[52_428_800], TestZips.FILE, false)).build();

        assertInvalid(big, ErrorType.REQUEST_TOO_LARGE, "Zipped size must be smaller than 52428800 bytes");
    }

    private static void assertInvalid(byte[] zip, ErrorType type, String message) {
        assertThatThrownBy(() -> DeploymentPackage.validate(zip))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(type);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
