package dev.ember.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.PythonHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Hostile functions against a real, sandboxed server, each while a well-behaved function keeps serving requests:
 * every case gets the right error, nothing escapes, and the well-behaved function never fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileFunctionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    EmberTestServer server;
    LambdaClient lambda;
    String secret;
    Thread traffic;
    final AtomicInteger served = new AtomicInteger();
    final AtomicReference<String> trafficFailure = new AtomicReference<>();
    volatile boolean trafficOn;

    @BeforeAll
    void startServer() {
        server = EmberTestServer.startSandboxed(dataDir.resolve("data"));
        lambda = server.lambda();
        deploy("good", """
                def handle(event):
                    return {"ok": event.get("n")}
                """, 512, 5, Map.of());
        secret = "TOP-SECRET-" + ProcessHandle.current().pid();
        lambda.createFunction(b -> b.functionName("holder").runtime(Runtime.PROVIDED_AL2023).handler("x")
                .role("arn:aws:iam::000000000000:role/ember")
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", "#!/bin/sh\nsleep 1\n",
                        "secret.txt", secret)))));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** The well-behaved function, invoked back to back on another thread during every case. */
    @BeforeEach
    void startTraffic() {
        served.set(0);
        trafficFailure.set(null);
        trafficOn = true;
        traffic = Thread.ofPlatform().name("good-traffic").start(() -> {
            int n = 0;
            while (trafficOn) {
                try {
                    InvokeResponse response = lambda.invoke(b -> b.functionName("good")
                            .payload(SdkBytes.fromUtf8String("{\"n\":1}")));
                    if (response.functionError() != null
                            || !response.payload().asUtf8String().equals("{\"ok\": 1}")) {
                        trafficFailure.compareAndSet(null, response.payload().asUtf8String());
                    } else {
                        served.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    trafficFailure.compareAndSet(null, e.toString());
                }
                n++;
            }
        });
    }

    @AfterEach
    void wellBehavedFunctionWasUnaffected() throws InterruptedException {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> served.get() > 0);
        trafficOn = false;
        traffic.join();
        assertThat(trafficFailure.get()).as("the well-behaved function's failures").isNull();
        assertThat(server.server().port()).isPositive();
    }

    private void deploy(String name, String handler, int memoryMb, int timeoutSeconds, Map<String, String> env) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("handle")
                .role("arn:aws:iam::000000000000:role/ember").memorySize(memoryMb).timeout(timeoutSeconds)
                .environment(e -> e.variables(env))
                .code(c -> c.zipFile(EmberTestServer.zip(Map.of("bootstrap", PythonHandler.bootstrap(handler))))));
    }

    private InvokeResponse invoke(String name, String payload) {
        return lambda.invoke(b -> b.functionName(name).logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String(payload)));
    }

    private static JsonNode json(InvokeResponse response) throws IOException {
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static String log(InvokeResponse response) {
        return new String(java.util.Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }

    /** Host processes running as {@code uid}. */
    private static long processesOf(long uid) {
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> IsolationReport.uid(p.resolve("status")) == uid).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void forkingStopsAtTheProcessLimit() throws IOException {
        deploy("fork-limit", """
                import time
                def handle(event):
                    forked = 0
                    try:
                        for _ in range(5000):
                            if os.fork() == 0:
                                time.sleep(60)
                                os._exit(0)
                            forked += 1
                    except OSError as e:
                        return {"forked": forked, "error": e.strerror}
                    return {"forked": forked}
                """, 1769, 30, Map.of());

        InvokeResponse response = invoke("fork-limit", "{}");

        JsonNode limited = json(response);
        assertThat(limited.has("forked")).as(limited + "\n" + log(response)).isTrue();
        assertThat(limited.get("forked").asInt()).isBetween(900, 1023);
        assertThat(limited.get("error").asText()).isEqualTo("Resource temporarily unavailable");
    }

    @Test
    void forkBombIsKilledAtItsTimeoutAndLeavesNothingBehind() {
        deploy("fork-bomb", """
                import time
                def handle(event):
                    print("uid=%d" % os.getuid(), flush=True)
                    os.system(":(){ :|:& };:")   # the classic; runs until the timeout kills the environment
                    time.sleep(60)
                """, 512, 3, Map.of());

        InvokeResponse bomb = invoke("fork-bomb", "{}");

        assertThat(bomb.payload().asUtf8String()).contains("Task timed out after 3.00 seconds");
        String log = log(bomb);
        long uid = Long.parseLong(log.substring(log.indexOf("uid=") + 4).split("\\s")[0]);
        assertThat(uid).isGreaterThanOrEqualTo(900_000);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> processesOf(uid) == 0);
    }

    @Test
    void allocatingPastMemorySizeIsRuntimeOutOfMemory() {
        deploy("hog", """
                def handle(event):
                    hog = bytearray(400 << 20)
                    return {"allocated": len(hog)}
                """, 128, 10, Map.of());

        InvokeResponse response = invoke("hog", "{}");

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("\"errorType\":\"Runtime.OutOfMemory\"");
        assertThat(log(response)).containsPattern("Memory Size: 128 MB\tMax Memory Used: 12[0-9] MB");
    }

    @Test
    void cpuSpinPastTheTimeoutIsKilled() {
        deploy("spin", """
                def handle(event):
                    while True:
                        pass
                """, 128, 2, Map.of());

        InvokeResponse response = invoke("spin", "{}");

        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("Task timed out after 2.00 seconds");
    }

    @Test
    void tmpIsCappedAtEphemeralStorageSurvivesWarmReuseAndIsPrivate() throws IOException {
        deploy("filler", """
                def handle(event):
                    if event.get("check"):
                        return {"kept": os.path.getsize("/tmp/fill") if os.path.exists("/tmp/fill") else -1}
                    written = 0
                    chunk = b"x" * (1 << 20)
                    try:
                        with open("/tmp/fill", "wb") as f:
                            for _ in range(1024):
                                f.write(chunk)
                                f.flush()
                                written += 1
                    except OSError as e:
                        return {"writtenMb": written, "error": e.strerror}
                    return {"writtenMb": written}
                """, 1024, 30, Map.of());
        deploy("neighbour", """
                def handle(event):
                    return {"files": os.listdir("/tmp")}
                """, 128, 5, Map.of());

        JsonNode filled = json(invoke("filler", "{}"));
        assertThat(filled.get("error").asText()).isEqualTo("No space left on device");
        assertThat(filled.get("writtenMb").asInt()).isBetween(500, 512);
        assertThat(json(invoke("filler", "{\"check\":true}")).get("kept").asLong()).isGreaterThan(500L << 20);
        JsonNode neighbour = json(invoke("neighbour", "{}"));
        assertThat(neighbour.get("files")).as(neighbour.toString()).isEmpty();
    }

    @Test
    void nothingOutsideTmpIsWritable() throws IOException {
        deploy("writer", """
                def handle(event):
                    results = {}
                    for path in event["paths"]:
                        try:
                            with open(path, "w") as f:
                                f.write("pwned")
                            results[path] = "written"
                        except OSError as e:
                            results[path] = e.strerror
                    return results
                """, 128, 5, Map.of());
        String[] paths = {"/var/task/x", "/x", "/usr/x", "/etc/passwd", "/var/runtime/x", "/dev/x",
            "/proc/sys/kernel/hostname", dataDir + "/x", dataDir.resolve("data") + "/x", "/root/x", "/tmp/ok"};

        JsonNode results = json(invoke("writer", JSON.writeValueAsString(Map.of("paths", paths))));

        assertThat(results.get("/tmp/ok").asText()).isEqualTo("written");
        for (String path : paths) {
            if (!path.equals("/tmp/ok")) {
                assertThat(results.get(path).asText()).as(path).isNotEqualTo("written");
            }
        }
        assertThat(Files.exists(dataDir.resolve("data/x"))).isFalse();
    }

    @Test
    void otherFunctionsCodeAndThePlatformsDataAreInvisible() throws IOException {
        deploy("snoop", """
                def handle(event):
                    found = []
                    for top in ["/etc", "/opt", "/run", "/tmp", "/var", "/usr/local"]:
                        for root, dirs, files in os.walk(top):
                            found += [os.path.join(root, f) for f in files if f == "secret.txt"]
                    tried = {}
                    for path in [event["data"], event["data"] + "/code", event["data"] + "/ember.db", "/root",
                                 "/home", "/proc/1/root/" + event["data"]]:
                        try:
                            tried[path] = os.listdir(path) if not path.endswith(".db") else open(path).read(10)
                        except OSError as e:
                            tried[path] = e.strerror
                    return {"found": found, "tried": tried, "env": dict(os.environ)}
                """, 512, 20, Map.of());

        JsonNode result = json(invoke("snoop", JSON.writeValueAsString(Map.of("data",
                dataDir.resolve("data").toString()))));

        assertThat(result.get("found")).isEmpty();
        result.get("tried").properties().forEach(tried -> assertThat(tried.getValue().isTextual())
                .as(tried.getKey() + " → " + tried.getValue()).isTrue());
        assertThat(result.toString()).doesNotContain(secret);
        assertThat(result.get("env").get("LAMBDA_TASK_ROOT").asText()).isEqualTo("/var/task");
    }

    @Test
    void hostProcessesCanBeNeitherSeenNorSignalled() throws IOException {
        long serverPid = ProcessHandle.current().pid();
        deploy("killer", """
                import signal
                def handle(event):
                    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
                    outcomes = {}
                    for pid in [event["server"], 1]:
                        try:
                            os.kill(pid, signal.SIGKILL)
                            outcomes[str(pid)] = "killed"
                        except OSError as e:
                            outcomes[str(pid)] = e.strerror
                    return {"pids": pids, "kill": outcomes, "uid": os.getuid(), "caps": open("/proc/self/status")
                            .read().split("CapEff:")[1].split()[0]}
                """, 128, 5, Map.of());

        JsonNode result = json(invoke("killer", "{\"server\":" + serverPid + "}"));

        assertThat(result.get("pids").size()).isLessThan(6); // the sandbox's init, the runtime, nothing else
        assertThat(result.get("kill").get(Long.toString(serverPid)).asText()).isNotEqualTo("killed");
        assertThat(result.get("kill").get("1").asText()).isEqualTo("Operation not permitted");
        assertThat(result.get("uid").asLong()).isGreaterThanOrEqualTo(900_000);
        assertThat(result.get("caps").asText()).isEqualTo("0000000000000000");
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void onlyTheOwnRuntimeApiIsReachable() throws IOException {
        deploy("scanner", """
                import socket
                def probe(host, port):
                    s = socket.socket()
                    s.settimeout(1)
                    try:
                        s.connect((host, port))
                        # connecting to the port the kernel picked as the source port is a self-connect
                        return "open" if s.getsockname()[1] != port else "self"
                    except OSError as e:
                        return e.strerror or str(e)
                    finally:
                        s.close()
                def handle(event):
                    open_ports = [p for p in range(1, 65536) if probe("127.0.0.1", p) == "open"]
                    return {"open": open_ports, "controlPlane": probe("127.0.0.1", event["port"]),
                            "gateway": probe("10.0.2.2", event["port"]), "outside": probe("192.0.2.1", 80),
                            "runtimeApi": os.environ["AWS_LAMBDA_RUNTIME_API"]}
                """, 1769, 60, Map.of());

        JsonNode result = json(invoke("scanner", "{\"port\":" + server.server().port() + "}"));

        assertThat(result.get("runtimeApi").asText()).isEqualTo("127.0.0.1:9001");
        assertThat(result.get("open").toString()).isEqualTo("[9001]");
        assertThat(result.get("controlPlane").asText()).isEqualTo("Connection refused");
        assertThat(result.get("gateway").asText()).isEqualTo("Network is unreachable");
        assertThat(result.get("outside").asText()).isEqualTo("Network is unreachable");
    }

    @Test
    void openFilesStopAtTheLimit() throws IOException {
        deploy("hoarder", """
                def handle(event):
                    files = []
                    try:
                        for _ in range(10000):
                            files.append(open("/dev/null"))
                    except OSError as e:
                        return {"opened": len(files), "error": e.strerror}
                    return {"opened": len(files)}
                """, 128, 10, Map.of());

        JsonNode result = json(invoke("hoarder", "{}"));

        assertThat(result.get("opened").asInt()).isBetween(1000, 1021);
        assertThat(result.get("error").asText()).isEqualTo("Too many open files");
    }

    @Test
    void backgroundThreadIsFrozenBetweenInvocations() throws Exception {
        deploy("background", """
                import threading, time
                ticks = [0]
                def tick():
                    while True:
                        ticks[0] += 1
                        time.sleep(0.005)
                def handle(event):
                    if event.get("start"):
                        threading.Thread(target=tick, daemon=True).start()
                        time.sleep(0.1)
                    return {"ticks": ticks[0]}
                """, 512, 5, Map.of());

        int first = json(invoke("background", "{\"start\":true}")).get("ticks").asInt();
        Thread.sleep(1000); // a thread left running would tick about 200 times meanwhile
        int second = json(invoke("background", "{}")).get("ticks").asInt();

        assertThat(first).isPositive();
        assertThat(second - first).as("ticks while idle").isLessThan(10);
    }
}
