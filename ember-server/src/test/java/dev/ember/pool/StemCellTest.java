package dev.ember.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.Packages;
import dev.ember.testing.PythonHandler;
import dev.ember.testing.handlers.EnvironmentReporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Cold starts from stem cells on a real, sandboxed server: what a specialised cell shows the function (its own code,
 * variables, /tmp and limits, nothing of another function's), init errors as on a normal start, and a normal start
 * when a cell dies while it is being specialised. Each test has a memory size, so a kind of cell, of its own: its first
 * cold start is a normal one (no cell of its
 * kind exists yet); its later ones are compared with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StemCellTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Variables whose values differ between two functions or two environments by design. */
    private static final Set<String> PER_ENVIRONMENT = Set.of("AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "SECRET", "EXTRA", "EMBER_STATE_TOKEN");

    EmberTestServer server;
    LambdaClient lambda;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        server = EmberTestServer.startSandboxed(dataDir);
        lambda = server.lambda();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aJavaFunctionFromAStemCellSeesItsOwnEnvironmentAndNothingOfAnothers() throws Exception {
        byte[] jarA = Packages.handlerJar(Map.of("only-a.txt", "a"), EnvironmentReporter.class);
        byte[] jarB = Packages.handlerJar(Map.of("only-b.txt", "b"), EnvironmentReporter.class);
        createJava("java-a", jarA, Map.of("SECRET", "secret of a", "EXTRA", "it's \"quoted\"\nand $multi line"));
        createJava("java-b", jarB, Map.of("SECRET", "secret of b", "EXTRA", "b"));
        createJava("java-c", jarB, Map.of("SECRET", "secret of c", "EXTRA", "c"));

        JsonNode a = invokeJson("java-a", "{\"leave\":\"a-was-here\"}"); // a normal start: the kind's first
        awaitBootedCell("java-b");
        long served = cells("java-b").path("Served").asLong();
        JsonNode b = invokeJson("java-b", "{\"leave\":\"b-was-here\"}");
        assertThat(cells("java-b").path("Served").asLong()).as("served by a cell").isEqualTo(served + 1);
        awaitBootedCell("java-c");
        JsonNode c = invokeJson("java-c", "{}");
        assertThat(cells("java-c").path("Served").asLong()).as("served by a cell").isEqualTo(served + 2);

        for (JsonNode fromCell : List.of(b, c)) {
            Map<String, String> env = strings(fromCell.path("getenv"));
            // The same variables as a normal start, with the same values but for the function's own.
            assertThat(env.keySet()).isEqualTo(strings(a.path("getenv")).keySet());
            env.forEach((name, value) -> {
                if (!PER_ENVIRONMENT.contains(name)) {
                    assertThat(value).as(name).isEqualTo(strings(a.path("getenv")).get(name));
                }
            });
            assertThat(strings(fromCell.path("child"))).as("a child process's environment").isEqualTo(env);
            assertThat(env).doesNotContainKey("EMBER_STEM_CELL");
            assertThat(fromCell.path("taskRoot").asText()).contains("only-b.txt").doesNotContain("only-a.txt");
            assertThat(fromCell.path("tmp").asText()).doesNotContain("a-was-here");
            assertThat(fromCell.path("maxHeapMb").asLong()).isEqualTo(a.path("maxHeapMb").asLong());
            assertThat(fromCell.toString()).doesNotContain("secret of a");
        }
        assertThat(strings(a.path("child"))).isEqualTo(strings(a.path("getenv")));
        assertThat(strings(b.path("getenv"))).containsEntry("SECRET", "secret of b").containsEntry("EXTRA", "b");
        assertThat(strings(c.path("getenv"))).containsEntry("SECRET", "secret of c")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "java-c");
        assertThat(c.path("tmp").asText()).as("a specialised cell never returns to the pool")
                .doesNotContain("b-was-here");
        assertThat(strings(a.path("getenv"))).containsEntry("EXTRA", "it's \"quoted\"\nand $multi line");
    }

    @Test
    void aBootstrapFromAStemCellGetsExactlyItsEnvironmentAndLimits() throws Exception {
        String reporter = """
                import resource
                def handle(event):
                    if event.get("leave"):
                        open("/tmp/" + event["leave"], "w").write("left behind")
                    if event.get("allocate"):
                        hog = bytearray(event["allocate"] << 20)
                    tmp = os.statvfs("/tmp")
                    return {"env": dict(os.environ), "tmp": sorted(os.listdir("/tmp")),
                            "taskRoot": sorted(os.listdir(os.environ["LAMBDA_TASK_ROOT"])),
                            "files": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
                            "tmpMb": tmp.f_blocks * tmp.f_frsize >> 20}
                """;
        createProvided("shell-a", PythonHandler.bootstrap(reporter), "only-a.txt",
                Map.of("SECRET", "secret of a", "EXTRA", "it's 'single' \"double\"\n$HOME `x`"), 128);
        createProvided("shell-b", PythonHandler.bootstrap(reporter), "only-b.txt",
                Map.of("SECRET", "secret of b", "EXTRA", "b"), 128);

        JsonNode a = invokeJson("shell-a", "{\"leave\":\"a-was-here\"}");
        awaitBootedCell("shell-b");
        long served = cells("shell-b").path("Served").asLong();
        JsonNode b = invokeJson("shell-b", "{}");
        assertThat(cells("shell-b").path("Served").asLong()).as("served by a cell").isEqualTo(served + 1);

        Map<String, String> envA = strings(a.path("env"));
        Map<String, String> envB = strings(b.path("env"));
        assertThat(envB.keySet()).isEqualTo(envA.keySet());
        assertThat(envA).containsEntry("EXTRA", "it's 'single' \"double\"\n$HOME `x`");
        assertThat(envB).containsEntry("SECRET", "secret of b").doesNotContainKey("EMBER_STEM_CELL");
        assertThat(b.path("taskRoot").toString()).contains("only-b.txt").doesNotContain("only-a.txt");
        assertThat(b.path("tmp").toString()).doesNotContain("a-was-here");
        assertThat(b.path("files").asInt()).isEqualTo(a.path("files").asInt()).isEqualTo(1024);
        assertThat(b.path("tmpMb").asLong()).isEqualTo(a.path("tmpMb").asLong()).isBetween(500L, 512L);

        // The memory cap is the function's: 128 MB, as on a normal start.
        awaitBootedCell("shell-b");
        lambda.updateFunctionConfiguration(u -> u.functionName("shell-b").description("retire the warm one"));
        served = cells("shell-b").path("Served").asLong();
        InvokeResponse hog = invoke("shell-b", "{\"allocate\":300}");
        assertThat(cells("shell-b").path("Served").asLong()).isEqualTo(served + 1);
        assertThat(hog.functionError()).isEqualTo("Unhandled");
        assertThat(hog.payload().asUtf8String()).contains("Runtime.OutOfMemory");
    }

    @Test
    void initErrorsFromAStemCellAreReportedAsOnANormalStart() throws Exception {
        byte[] jar = Packages.handlerJar(EnvironmentReporter.class);
        lambda.createFunction(b -> b.functionName("java-broken").runtime(Runtime.JAVA25)
                .handler("example.Missing::handleRequest").memorySize(384).timeout(30)
                .role("arn:aws:iam::000000000000:role/ember")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(jar))));
        createProvided("shell-broken", "#!/bin/sh\necho broken on purpose\nexit 3\n", "x.txt", Map.of(), 160);

        for (String function : List.of("java-broken", "shell-broken")) {
            InvokeResponse normal = invoke(function, "{}");
            awaitBootedCell(function);
            lambda.updateFunctionConfiguration(u -> u.functionName(function).description("again"));
            long served = cells(function).path("Served").asLong();
            InvokeResponse fromCell = invoke(function, "{}");
            assertThat(cells(function).path("Served").asLong()).as(function + " served by a cell")
                    .isEqualTo(served + 1);
            assertThat(fromCell.functionError()).isEqualTo(normal.functionError()).isNotNull();
            JsonNode expected = JSON.readTree(normal.payload().asUtf8String());
            JsonNode actual = JSON.readTree(fromCell.payload().asUtf8String());
            assertThat(actual.path("errorType").asText()).isEqualTo(expected.path("errorType").asText());
            assertThat(withoutRequestId(actual.path("errorMessage").asText()))
                    .isEqualTo(withoutRequestId(expected.path("errorMessage").asText()));
            String log = new String(Base64.getDecoder().decode(fromCell.logResult()), StandardCharsets.UTF_8);
            assertThat(log).contains("INIT_REPORT").contains("Status: error").doesNotContain("ember-stem-cell");
            if (function.equals("shell-broken")) {
                assertThat(log).contains("broken on purpose");
                assertThat(actual.path("errorMessage").asText()).contains("exit status 3");
            } else {
                assertThat(actual.path("errorMessage").asText()).contains("example.Missing");
            }
        }
    }

    @Test
    void aStemCellThatDiesWhileSpecialisingFallsBackToANormalStart() throws Exception {
        String bootstrap = PythonHandler.bootstrap("""
                def handle(event):
                    return {"ok": os.environ["AWS_LAMBDA_FUNCTION_NAME"]}
                """);
        lambda.createFunction(b -> b.functionName("survivor").runtime(Runtime.PROVIDED_AL2023).handler("x")
                .memorySize(192).timeout(30).role("arn:aws:iam::000000000000:role/ember")
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", bootstrap)))));
        invoke("survivor", "{}"); // the kind's first cold start makes its first cell
        awaitBootedCell("survivor");
        // Counted once launched: its sandbox may still be on the way to the shell that waits.
        long cell = Awaitility.await().atMost(Duration.ofSeconds(10)).until(StemCellTest::cellProcess, pid -> pid > 0);
        signal("STOP", cell); // it will read the function's environment, but not act on it
        lambda.updateFunctionConfiguration(u -> u.functionName("survivor").description("cold again"));
        long served = cells("survivor").path("Served").asLong();
        long lost = cells("survivor").path("Lost").asLong();
        CompletableFuture<InvokeResponse> invocation = CompletableFuture.supplyAsync(() -> invoke("survivor", "{}"));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> cells("survivor").path("ColdStarts").asLong() >= 2);
        signal("KILL", cell);

        InvokeResponse response = invocation.get();
        assertThat(response.functionError()).isNull();
        assertThat(response.payload().asUtf8String()).isEqualTo("{\"ok\": \"survivor\"}");
        assertThat(cells("survivor").path("Served").asLong()).as("handed to the cell").isEqualTo(served + 1);
        assertThat(cells("survivor").path("Lost").asLong()).as("which died").isEqualTo(lost + 1);
        String log = new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
        assertThat(log).contains("Init Duration");
    }

    private static String withoutRequestId(String message) {
        return message.replaceFirst("^RequestId: \\S+ ", "");
    }

    /** The one stem cell of 192 MB (a kind no other test uses): a shell waiting for its function. */
    private static long cellProcess() {
        for (ProcessHandle process : ProcessHandle.current().descendants().toList()) {
            try {
                String environ = Files.readString(Path.of("/proc", Long.toString(process.pid()), "environ"));
                String cmdline = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
                if (environ.contains("EMBER_STEM_CELL=1") && cmdline.equals("/bin/sh\0-s\0")
                        && memoryLimit(process.pid()) == 192L << 20) {
                    return process.pid();
                }
            } catch (IOException gone) {
                // ended meanwhile
            }
        }
        return -1;
    }

    /** The memory limit of the process's control group (v1 or v2), or -1. */
    private static long memoryLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] fields = line.split(":", 3);
            Path limit = fields[1].equals("memory") ? Path.of("/sys/fs/cgroup/memory" + fields[2],
                    "memory.limit_in_bytes") : fields[1].isEmpty() ? Path.of("/sys/fs/cgroup" + fields[2], "memory.max")
                    : null;
            if (limit != null && Files.isRegularFile(limit)) {
                String value = Files.readString(limit).trim();
                return value.equals("max") ? -1 : Long.parseLong(value);
            }
        }
        return -1;
    }

    private static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor())
                .isZero();
    }

    private void createJava(String name, byte[] jar, Map<String, String> env) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.JAVA25)
                .handler(EnvironmentReporter.class.getName() + "::handleRequest").memorySize(320).timeout(30)
                .role("arn:aws:iam::000000000000:role/ember").environment(e -> e.variables(env))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(jar))));
    }

    private void createProvided(String name, String bootstrap, String marker, Map<String, String> env,
                                int memoryMb) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("handle")
                .memorySize(memoryMb).timeout(30).role("arn:aws:iam::000000000000:role/ember")
                .environment(e -> e.variables(env))
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", bootstrap, marker, marker)))));
    }

    private InvokeResponse invoke(String name, String payload) {
        return lambda.invoke(b -> b.functionName(name).logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String(payload)));
    }

    private JsonNode invokeJson(String name, String payload) throws IOException {
        InvokeResponse response = invoke(name, payload);
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    private JsonNode cells(String function) throws IOException, InterruptedException {
        return server.scaling(function).path("StemCells");
    }

    private void awaitBootedCell(String function) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> cells(function).path("Booted").asInt() >= 1);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        object.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }
}
