package dev.ember.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.EmberTestServer;
import dev.ember.testing.Packages;
import dev.ember.testing.handlers.Greeter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** Java handlers: on Ember's managed java25 runtime, and on AWS's official runtime interface client, unmodified. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaRuntimeInvokeTest {
    Path dataDir;
    EmberTestServer ember;
    LambdaClient lambda;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        this.dataDir = dataDir;
        ember = EmberTestServer.start(dataDir);
        lambda = ember.lambda();
    }

    @AfterAll
    void stop() {
        ember.close();
    }

    private InvokeResponse invoke(String name, String payload) {
        return lambda.invoke(b -> b.functionName(name).logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String(payload)));
    }

    @Test
    void managedJavaRuntimeRunsARequestHandler() {
        lambda.createFunction(b -> b.functionName("greeter").runtime(Runtime.JAVA25)
                .handler(Greeter.class.getName() + "::handleRequest").memorySize(256).timeout(30)
                .environment(e -> e.variables(Map.of("GREETING", "hey")))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(Packages.handlerJar(Greeter.class)))));

        InvokeResponse response = invoke("greeter", "{\"name\":\"Ember\"}");
        assertThat(response.functionError()).isNull();
        String body = response.payload().asUtf8String();
        assertThat(body).contains("\"message\":\"Hello, Ember!\"").contains("\"memory\":256")
                .contains("\"env\":\"hey\"");
        String log = new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
        assertThat(log).contains("greeting Ember").contains("Init Duration");

        InvokeResponse failed = invoke("greeter", "{\"fail\":\"now\"}");
        assertThat(failed.functionError()).isEqualTo("Unhandled");
        assertThat(failed.payload().asUtf8String()).contains("\"errorType\":\"java.lang.IllegalStateException\"")
                .contains("asked to fail: now").contains("stackTrace");
    }

    @Test
    void handlerThatCannotBeLoadedFailsTheInvocationWithItsInitError() {
        lambda.createFunction(b -> b.functionName("no-class").runtime(Runtime.JAVA21)
                .handler("example.Missing::handleRequest").timeout(30)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(Packages.handlerJar(Greeter.class)))));

        InvokeResponse response = invoke("no-class", "{}");
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String()).contains("ClassNotFoundException")
                .contains("example.Missing");
        String log = new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
        assertThat(log).contains("INIT_REPORT").contains("Status: error");
    }

    @Test
    void officialRuntimeInterfaceClientRunsUnmodified() {
        // The client and its dependencies, as its pom lists them (utils-lite is loaded on the error path only),
        // packaged in the zip as a user deploys them: the sandbox shows nothing of the host's Maven repository.
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String jar : Packages.classpathEntries("aws-lambda-java-runtime-interface-client",
                "aws-lambda-java-core", "aws-lambda-java-serialization", "utils-lite")) {
            try {
                entries.put("lib/" + Path.of(jar).getFileName(), Files.readAllBytes(Path.of(jar)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String bootstrap = """
                #!/bin/sh
                exec %s --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \\
                  -cp "$LAMBDA_TASK_ROOT/lib/*:$LAMBDA_TASK_ROOT" \\
                  com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$_HANDLER"
                """.formatted(Packages.java());
        entries.put("bootstrap", bootstrap.getBytes(StandardCharsets.UTF_8));
        entries.putAll(Packages.classes(Greeter.class));
        byte[] zip = Packages.zip(entries);
        lambda.createFunction(b -> b.functionName("ric").runtime(Runtime.PROVIDED_AL2023)
                .handler(Greeter.class.getName() + "::handleRequest").timeout(30)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));

        InvokeResponse response = invoke("ric", "{\"name\":\"RIC\"}");
        assertThat(response.functionError()).isNull();
        assertThat(response.payload().asUtf8String()).contains("\"message\":\"Hello, RIC!\"");

        InvokeResponse failed = invoke("ric", "{\"fail\":\"ric\"}");
        String log = new String(Base64.getDecoder().decode(failed.logResult()), StandardCharsets.UTF_8);
        assertThat(failed.functionError()).isEqualTo("Unhandled");
        assertThat(failed.payload().asUtf8String()).as(log).contains("IllegalStateException")
                .contains("asked to fail: ric");
    }
}
