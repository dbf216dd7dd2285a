package dev.ember.cli;

import static dev.ember.cli.FakeLambda.JSON;
import static dev.ember.cli.FakeLambda.configuration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployCommandTest {
    private static final String FUNCTION = "/2015-03-31/functions/hello";

    @TempDir
    Path dir;

    private final FakeLambda lambda = FakeLambda.start();
    private Path code;

    @BeforeEach
    void functionDirectory() throws IOException {
        code = Files.createDirectories(dir.resolve("hello"));
        Files.writeString(code.resolve("bootstrap"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(code.resolve("bootstrap"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(code.resolve("lib"));
        Files.writeString(code.resolve("lib/greeting.txt"), "hello\n");
    }

    @AfterEach
    void stop() {
        lambda.close();
    }

    private void absent() {
        lambda.onError("GET", FUNCTION, 404, "ResourceNotFoundException",
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:hello");
    }

    private void present() {
        lambda.on("GET", FUNCTION, 200, JSON.createObjectNode()
                .<JsonNode>set("Configuration", configuration("hello", "$LATEST")).toString());
    }

    @Test
    void createsAnAbsentFunctionWithEverySettingGiven() throws IOException {
        absent();
        lambda.on("POST", "/2015-03-31/functions", 201, configuration("hello", "$LATEST").toString());

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", code.toString(),
                "--runtime", "provided.al2023", "--handler", "bootstrap", "--memory", "256", "--timeout", "10",
                "--env", "GREETING=hi", "--env", "STAGE=dev=1", "--description", "says hi");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("GET " + FUNCTION, "POST /2015-03-31/functions");
        JsonNode body = lambda.request("POST", "/2015-03-31/functions").json();
        byte[] zip = Base64.getDecoder().decode(body.path("Code").path("ZipFile").asText());
        ((ObjectNode) body.path("Code")).put("ZipFile", "<zip>");
        assertThat(body).isEqualTo(JSON.readTree("""
                {"FunctionName":"hello","Runtime":"provided.al2023","Handler":"bootstrap","Description":"says hi",
                 "MemorySize":256,"Timeout":10,"Environment":{"Variables":{"GREETING":"hi","STAGE":"dev=1"}},
                 "Code":{"ZipFile":"<zip>"},"Publish":false}"""));
        assertThat(entryNames(zip)).containsExactly("bootstrap", "lib/", "lib/greeting.txt");
        assertThat(lambda.request("POST", "/2015-03-31/functions").header("Content-Type"))
                .isEqualTo("application/json");
        assertThat(run.out()).isEqualTo("""
                created hello from directory %s
                  arn      arn:aws:lambda:us-east-1:000000000000:function:hello
                  version  $LATEST
                  sha256   n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=
                  size     1.2 KB (1234 bytes)
                """.formatted(code));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void createsAndPublishesInOneRequest() {
        absent();
        lambda.on("POST", "/2015-03-31/functions", 201, configuration("hello", "1").toString());

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", code.toString(),
                "--runtime", "provided.al2023", "--handler", "bootstrap", "--publish");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode body = lambda.request("POST", "/2015-03-31/functions").json();
        assertThat(body.path("Publish").asBoolean()).isTrue();
        assertThat(body.has("MemorySize")).isFalse();
        assertThat(body.has("Environment")).isFalse();
        assertThat(run.out()).startsWith("created hello, published version 1 from directory")
                .contains("arn:aws:lambda:us-east-1:000000000000:function:hello:1");
    }

    @Test
    void updatesCodeThenOnlyTheSettingsGiven() throws IOException {
        present();
        lambda.on("PUT", FUNCTION + "/code", 200, configuration("hello", "$LATEST").toString());
        lambda.on("PUT", FUNCTION + "/configuration", 200, configuration("hello", "$LATEST").put("MemorySize", 512)
                .toString());
        Path zip = dir.resolve("function.zip");
        Files.write(zip, zipOf("bootstrap", "#!/bin/sh\n"));

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", zip.toString(), "--memory", "512");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("GET " + FUNCTION, "PUT " + FUNCTION + "/code",
                "PUT " + FUNCTION + "/configuration");
        assertThat(lambda.request("PUT", FUNCTION + "/code").json()).isEqualTo(JSON.createObjectNode()
                .put("ZipFile", Base64.getEncoder().encodeToString(Files.readAllBytes(zip))).put("Publish", false));
        assertThat(lambda.request("PUT", FUNCTION + "/configuration").json())
                .isEqualTo(JSON.readTree("{\"MemorySize\":512}"));
        assertThat(run.out()).startsWith("updated hello from function.zip\n");
    }

    @Test
    void updatesOnlyTheCodeWhenNoSettingIsGiven() throws IOException {
        present();
        lambda.on("PUT", FUNCTION + "/code", 200, configuration("hello", "$LATEST").toString());

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", code.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("GET " + FUNCTION, "PUT " + FUNCTION + "/code");
    }

    @Test
    void publishesAfterTheUpdateWhenAsked() {
        present();
        lambda.on("PUT", FUNCTION + "/code", 200, configuration("hello", "$LATEST").toString());
        lambda.on("PUT", FUNCTION + "/configuration", 200, configuration("hello", "$LATEST").toString());
        lambda.on("POST", FUNCTION + "/versions", 201, configuration("hello", "3").toString());

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", code.toString(), "--handler", "main",
                "--env", "A=1", "--publish");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("GET " + FUNCTION, "PUT " + FUNCTION + "/code",
                "PUT " + FUNCTION + "/configuration", "POST " + FUNCTION + "/versions");
        assertThat(lambda.request("PUT", FUNCTION + "/configuration").json().toString())
                .isEqualTo("{\"Handler\":\"main\",\"Environment\":{\"Variables\":{\"A\":\"1\"}}}");
        assertThat(lambda.request("POST", FUNCTION + "/versions").text()).isEqualTo("{}");
        assertThat(run.out()).startsWith("updated hello, published version 3 from directory")
                .contains("  version  3\n");
    }

    @Test
    void needsRuntimeAndHandlerToCreate() {
        absent();

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", code.toString(), "--handler", "bootstrap");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: --runtime is needed to create the function hello, which does not"
                + " exist yet at " + lambda.endpoint() + "\n");
        assertThat(lambda.requestLines()).containsExactly("GET " + FUNCTION);
    }

    @Test
    void rejectsCodeThatIsNeitherADirectoryNorAnArchive() throws IOException {
        Path text = Files.writeString(dir.resolve("handler.py"), "print('hi')\n");

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", text.toString(), "--runtime", "provided");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ember: --code must be a directory, a .zip or a .jar, was " + text + "\n");
        assertThat(lambda.requests()).isEmpty();
    }

    @Test
    void showsUploadProgressOnATerminalForALargePackage() throws IOException {
        byte[] noise = new byte[1200 * 1024];
        new Random(7).nextBytes(noise);
        Files.write(code.resolve("blob.bin"), noise);
        present();
        lambda.on("PUT", FUNCTION + "/code", 200, configuration("hello", "$LATEST").toString());

        Ember.Run run = Ember.run(Ember.context(lambda, true), "deploy", "hello", "--code", code.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).startsWith("\ruploading ").contains(" MB / 1.6 MB (").endsWith(" (100%)\n");
        assertThat(run.err().split("\r")).hasSizeGreaterThan(3);
        assertThat(run.out()).doesNotContain("uploading");
    }

    @Test
    void showsNoProgressWhenStderrIsNotATerminal() throws IOException {
        byte[] noise = new byte[1200 * 1024];
        new Random(7).nextBytes(noise);
        Files.write(code.resolve("blob.bin"), noise);
        present();
        lambda.on("PUT", FUNCTION + "/code", 200, configuration("hello", "$LATEST").toString());

        Ember.Run run = Ember.against(lambda, "deploy", "hello", "--code", code.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
    }

    private static List<String> entryNames(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }

    private static byte[] zipOf(String name, String content) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
