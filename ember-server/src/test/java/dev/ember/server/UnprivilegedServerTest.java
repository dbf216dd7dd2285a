package dev.ember.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.sandbox.IsolationReport;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.PythonHandler;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * A server that is not root degrades as documented: bubblewrap still isolates files and processes (in a user
 * namespace), the rest is reported as not enforced, and functions run.
 */
class UnprivilegedServerTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @Test
    void sandboxesFilesAndProcessesWithoutRootAndSaysWhatItCannotEnforce() throws Exception {
        assumeTrue(IsolationReport.probe().notEnforced().isEmpty(), "needs root, bubblewrap and user namespaces");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classpath = readableCopyOfClasspath(dir.resolve("classpath"));
        Path dataDir = Files.createDirectory(dir.resolve("data"));
        Files.setAttribute(dataDir, "unix:uid", NOBODY);

        try (var server = ServerProcess.asUser(NOBODY, classpath, dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            assertThat(server.output()).contains("NOT fully isolated")
                    .contains("network: own Runtime API only [needs root (network namespaces)]");
            lambda.createFunction(b -> b.functionName("inside").runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", PythonHandler.bootstrap("""
                            def handle(event):
                                return {"uid": os.getuid(), "root": sorted(os.listdir("/")),
                                        "pids": len([p for p in os.listdir("/proc") if p.isdigit()]),
                                        "task": os.environ["LAMBDA_TASK_ROOT"]}
                            """))))));

            InvokeResponse response = lambda.invoke(b -> b.functionName("inside").logType(LogType.TAIL)
                    .payload(SdkBytes.fromUtf8String("{}")));

            String body = response.payload().asUtf8String();
            assertThat(body).contains("\"uid\": 993").contains("\"task\": \"/var/task\"")
                    .doesNotContain("\"root\", ").doesNotContain("\"home\"");
            assertThat(body).containsPattern("\"pids\": [1-4]\\b");
            assertThat(new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8))
                    .containsPattern("Max Memory Used: [1-9][0-9]* MB");
        }
    }

    /** The test JVM's classpath lives under /root (0700 here): a copy every user can read. */
    private static String readableCopyOfClasspath(Path target) throws IOException {
        Files.createDirectories(target);
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve(index++ + "-" + source.getFileName());
            try (var paths = Files.walk(source)) {
                for (Path path : paths.toList()) {
                    Path to = copy.resolve(source.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(path, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            entries.add(copy.toString());
        }
        try (var paths = Files.walk(target)) {
            for (Path path : paths.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                        Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
