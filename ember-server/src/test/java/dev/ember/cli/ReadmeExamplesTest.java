package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.EmberTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start, command for command, on the examples shipped in {@code examples/}. */
class ReadmeExamplesTest {
    /** Tests run in ember-server/; the examples sit beside it. */
    private static final Path EXAMPLES = Path.of("..", "examples");

    @TempDir
    Path dataDir;
    EmberTestServer ember;
    CliContext context;

    @BeforeEach
    void start() {
        ember = EmberTestServer.start(dataDir);
        context = Ember.context(ember);
    }

    @AfterEach
    void stop() {
        ember.close();
    }

    private Ember.Run ember(String... args) {
        return Ember.succeeded(context, args);
    }

    @Test
    void quickStartDeploysAndInvokesEveryExample() {
        Path jar = EXAMPLES.resolve("java-hello/target/java-hello.jar");
        assertThat(jar).as("built by the reactor before ember-server").exists();

        ember("deploy", "hello-shell", "--code", EXAMPLES.resolve("shell-hello").toString(), "--runtime",
                "provided.al2023", "--handler", "none");
        ember("deploy", "hello-python", "--code", EXAMPLES.resolve("python-hello").toString(), "--runtime",
                "provided.al2023", "--handler", "none");
        ember("deploy", "hello-java", "--code", jar.toString(), "--runtime", "java25", "--handler",
                "example.Hello::handleRequest", "--memory", "256", "--env", "GREETING=hi");

        assertThat(ember("invoke", "hello-shell", "--payload", "{\"a\":1}").out())
                .contains("\"message\":\"Hello from shell\"").contains("\"event\":{\"a\":1}");
        assertThat(ember("invoke", "hello-python", "--payload", "{\"name\":\"Ember\"}").out())
                .contains("\"message\": \"Hello, Ember!\"");
        Ember.Run java = ember("invoke", "hello-java", "--payload", "{\"name\":\"Ember\"}", "--log");
        assertThat(java.out()).contains("\"message\":\"Hello, Ember!\"");
        assertThat(java.err()).contains("Greeting Ember").contains("REPORT RequestId");
        assertThat(ember("ls").out()).contains("hello-shell").contains("hello-python").contains("hello-java");
        assertThat(ember("info", "hello-java").out()).contains("java25");
        assertThat(ember("logs", "hello-java", "--since", "10m").out()).contains("Greeting Ember");
        assertThat(ember("publish", "hello-java").out()).contains("1");
        ember("alias", "hello-java", "live", "1");

        Ember.Run failed = Ember.run(context, "invoke", "hello-python", "--payload", "{\"name\":\"error\"}");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("ValueError");
        assertThat(Files.exists(EXAMPLES.resolve("shell-hello/bootstrap"))).isTrue();
    }
}
