package dev.ember.server;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;
import dev.ember.sandbox.IsolationReport;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateAliasResponse;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** Everything acknowledged survives a SIGKILL of the server, whenever it comes. */
class CrashRestartTest {
    @TempDir
    Path dataDir;

    @Test
    void functionsVersionsAndAliasesSurviveSigkill() throws Exception {
        List<FunctionConfiguration> versions = new ArrayList<>();
        CreateAliasResponse alias;
        try (var server = ServerProcess.start(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            for (String name : List.of("alpha", "beta")) {
                lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("h")
                        .code(c -> c.zipFile(zip(Map.of("bootstrap", "#!/bin/sh\necho " + name)))));
                lambda.publishVersion(b -> b.functionName(name));
                lambda.updateFunctionConfiguration(b -> b.functionName(name).memorySize(512));
                versions.addAll(lambda.listVersionsByFunction(b -> b.functionName(name)).versions());
            }
            alias = lambda.createAlias(b -> b.functionName("alpha").name("live").functionVersion("1"));
            server.kill();
        }

        try (var server = ServerProcess.start(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            List<FunctionConfiguration> after = new ArrayList<>();
            for (String name : List.of("alpha", "beta")) {
                after.addAll(lambda.listVersionsByFunction(b -> b.functionName(name)).versions());
            }
            assertThat(after).isEqualTo(versions);
            assertThat(lambda.getAlias(b -> b.functionName("alpha").name("live")).revisionId())
                    .isEqualTo(alias.revisionId());
        }
    }

    @Test
    void plainRuntimeProcessesOfAKilledServerAreKilledByTheNextOne() throws Exception {
        long runtimePid;
        try (var server = ServerProcess.unsandboxed(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            lambda.createFunction(b -> b.functionName("pid").runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.shell("RESPONSE=$$"))))));
            runtimePid = Long.parseLong(lambda.invoke(b -> b.functionName("pid")).payload().asUtf8String());
            // The cell that cold start asked for: it reads the server's pipe, and exits when the server is gone.
            awaitStemCell(server.endpoint(), "pid");
            server.kill();
        }
        assertThat(ProcessHandle.of(runtimePid)).as("the runtime outlives a SIGKILLed server")
                .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        // The cell's shell reads end of file on its stdin and exits by itself; the next server finds only the runtime.
        Path cells = dataDir.resolve("run/cells");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).startsWith(cells);
            } catch (IOException | UnsupportedOperationException gone) {
                return false;
            }
        }));

        try (var server = ServerProcess.unsandboxed(dataDir)) {
            var leftover = ProcessHandle.of(runtimePid);
            if (leftover.isPresent()) {
                leftover.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(server.output()).contains("Killed 1 runtime process(es) left running by an earlier server");
        }
    }

    @Test
    void sandboxesDieWithAKilledServerAndTheNextOneRemovesTheirCgroups() throws Exception {
        assumeTrue(IsolationReport.probe().notEnforced().isEmpty(), "needs a host that sandboxes fully");
        long uid;
        try (var server = ServerProcess.start(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            lambda.createFunction(b -> b.functionName("uid").runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.shell("RESPONSE=$(id -u)"))))));
            uid = Long.parseLong(lambda.invoke(b -> b.functionName("uid")).payload().asUtf8String());
            awaitStemCell(server.endpoint(), "uid");
            server.kill();
        }
        // bubblewrap's --die-with-parent: the sandbox goes with the server, not at the next start.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> processesOf(uid) == 0);

        try (var server = ServerProcess.start(dataDir)) {
            // the environment's and the stem cell's
            assertThat(server.output()).contains("Removed 2 cgroup(s) of environments left by an earlier server");
        }
    }

    /** Host processes running as {@code uid}. */
    private static long processesOf(long uid) throws IOException {
        try (var proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readAllLines(p.resolve("status")).stream()
                                    .anyMatch(line -> line.matches("Uid:\\s+" + uid + "\\s.*"));
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    }).count();
        }
    }

    @Test
    void acknowledgedWritesSurviveAKillInTheMiddleOfWriting() throws Exception {
        var acknowledged = new ConcurrentLinkedQueue<CreateFunctionResponse>();
        try (var server = ServerProcess.start(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            var writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; writing.get(); i++) {
                        String name = "fn-" + writer + "-" + i;
                        try {
                            acknowledged.add(lambda.createFunction(b -> b.functionName(name)
                                    .runtime(Runtime.PROVIDED_AL2023).handler("h")
                                    .code(c -> c.zipFile(SdkBytes.fromByteArray(
                                            EmberTestServer.zipBytes(Map.of("bootstrap", name)))))));
                        } catch (RuntimeException killed) {
                            return;
                        }
                    }
                }));
            }
            while (acknowledged.size() < 40) {
                Thread.sleep(5);
            }
            server.kill();
            writing.set(false);
            for (Thread writer : writers) {
                writer.join();
            }
        }

        try (var server = ServerProcess.start(dataDir);
             LambdaClient lambda = EmberTestServer.client(server.endpoint())) {
            for (CreateFunctionResponse written : acknowledged) {
                var found = lambda.getFunctionConfiguration(b -> b.functionName(written.functionName()));
                assertThat(found.codeSha256()).isEqualTo(written.codeSha256());
                assertThat(found.revisionId()).isEqualTo(written.revisionId());
            }
            assertThat(server.output()).doesNotContain("Exception");
        }
    }

    /** Waits until the stem cell the function's first cold start asked for is there. */
    private static void awaitStemCell(java.net.URI endpoint, String function) {
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                endpoint.resolve("/ember/v1/functions/" + function + "/scaling")).build();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> http.send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString()).body().matches(".*\"Booted\":[1-9].*"));
    }
}
