package dev.ember.runtimeapi;

import static dev.ember.runtimeapi.Events.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runtimes as Lambda users deploy them, as child processes that find the server in AWS_LAMBDA_RUNTIME_API. */
class RealRuntimesTest {

    private static final String PYTHON_BOOTSTRAP = """
            import json, os, urllib.request
            base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
            while True:
                with urllib.request.urlopen(base + "/invocation/next") as next:
                    request_id = next.headers["Lambda-Runtime-Aws-Request-Id"]
                    event = json.loads(next.read())
                if event.get("fail"):
                    answer = urllib.request.Request(base + "/invocation/" + request_id + "/error", method="POST",
                        data=json.dumps({"errorMessage": "asked to", "errorType": "Failure"}).encode(),
                        headers={"Lambda-Runtime-Function-Error-Type": "Unhandled"})
                else:
                    answer = urllib.request.Request(base + "/invocation/" + request_id + "/response", method="POST",
                        data=json.dumps({"echo": event}).encode())
                urllib.request.urlopen(answer).read()
            """;

    private final RecordingListener listener = new RecordingListener();

    @Test
    void pythonBootstrapWithUrllib(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bootstrap.py"), PYTHON_BOOTSTRAP);
        try (RuntimeApiServer api = RuntimeApiServer.start(listener)) {
            Process runtime = start(api, List.of("python3", dir.resolve("bootstrap.py").toString()), dir);
            try {
                listener.take(RecordingListener.Next.class);
                api.deliver(event("py-1", "{\"x\":1}"));
                assertThat(listener.take(RecordingListener.Response.class).body()).asString(UTF_8)
                        .isEqualTo("{\"echo\": {\"x\": 1}}");

                listener.take(RecordingListener.Next.class);
                api.deliver(event("py-2", "{\"fail\":true}"));
                RecordingListener.Error error = listener.take(RecordingListener.Error.class);
                assertThat(error.errorType()).isEqualTo("Unhandled");
                assertThat(error.body()).asString(UTF_8).contains("\"errorMessage\": \"asked to\"");

                listener.take(RecordingListener.Next.class);
            } finally {
                stop(runtime);
            }
        }
    }

    /** AWS's runtime interface client 2.10.1 talks through libcurl over JNI; a 2 MB answer makes it expect 100. */
    @Test
    void awsLambdaJavaRuntimeInterfaceClient(@TempDir Path dir) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (RuntimeApiServer api = RuntimeApiServer.start(listener)) {
            Process runtime = start(api, List.of(java, "--enable-native-access=ALL-UNNAMED",
                    "-Djava.io.tmpdir=" + dir, "-cp", classPath,
                    "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                    EchoHandler.class.getName() + "::handleRequest"), dir);
            try {
                listener.take(RecordingListener.Next.class);
                api.deliver(event("ric-1", "\"hello\""));
                assertThat(listener.take(RecordingListener.Response.class).body()).asString(UTF_8)
                        .isEqualTo("\"ric-1:hello\"");

                listener.take(RecordingListener.Next.class);
                String big = "b".repeat(2 << 20);
                api.deliver(event("ric-2", "\"" + big + "\""));
                RecordingListener.Response response = listener.take(RecordingListener.Response.class);
                assertThat(response.requestId()).isEqualTo("ric-2");
                assertThat(response.body()).asString(UTF_8).isEqualTo("\"ric-2:" + big + "\"");

                listener.take(RecordingListener.Next.class);
                api.deliver(event("ric-3", "\"fail\""));
                RecordingListener.Error error = listener.take(RecordingListener.Error.class);
                assertThat(error.requestId()).isEqualTo("ric-3");
                assertThat(error.body()).asString(UTF_8).contains("asked to fail");
            } finally {
                stop(runtime);
            }
        }
    }

    private static Process start(RuntimeApiServer api, List<String> command, Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("runtime.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.put("AWS_LAMBDA_RUNTIME_API", api.address());
        environment.put("LAMBDA_TASK_ROOT", dir.toString());
        environment.put("TMPDIR", dir.toString() + File.separator);
        return builder.start();
    }

    private static void stop(Process runtime) throws Exception {
        runtime.destroy();
        if (!runtime.waitFor(10, TimeUnit.SECONDS)) {
            runtime.destroyForcibly().waitFor();
        }
    }
}
