package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EndpointTest {
    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    private static CliContext environment(Map<String, String> variables) {
        return new CliContext(variables, InstantSource.fixed(Ember.NOW), false);
    }

    private static ListCommand ls(Map<String, String> variables, String endpoint) {
        var command = new ListCommand(environment(variables));
        command.endpoint = endpoint;
        return command;
    }

    @Test
    void defaultsToTheLocalServer() {
        assertThat(ls(Map.of(), null).endpointUri()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    }

    @Test
    void takesEmberEndpointFromTheEnvironment() {
        assertThat(ls(Map.of("EMBER_ENDPOINT", "http://ember.internal:9100"), null).endpointUri())
                .isEqualTo(URI.create("http://ember.internal:9100"));
    }

    @Test
    void prefersTheOptionToTheEnvironment() {
        lambda.on("GET", "/2015-03-31/functions", 200, "{\"Functions\":[]}");
        var context = environment(Map.of("EMBER_ENDPOINT", "http://127.0.0.1:1"));

        Ember.Run run = Ember.run(context, "ls", "--endpoint", lambda.endpoint() + "/");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lambda.requestLines()).containsExactly("GET /2015-03-31/functions");
    }

    @Test
    void namesWhereAnInvalidEndpointCameFrom() {
        Ember.Run fromEnvironment = Ember.run(environment(Map.of("EMBER_ENDPOINT", "localhost:9000")), "ls");
        Ember.Run fromOption = Ember.run(environment(Map.of()), "ls", "--endpoint", "ftp://127.0.0.1");

        assertThat(fromEnvironment.exitCode()).isEqualTo(1);
        assertThat(fromEnvironment.err()).isEqualTo("ember: EMBER_ENDPOINT must be an http:// or https:// URL such as"
                + " http://127.0.0.1:9000, was 'localhost:9000'\n");
        assertThat(fromOption.err()).isEqualTo("ember: --endpoint must be an http:// or https:// URL such as"
                + " http://127.0.0.1:9000, was 'ftp://127.0.0.1'\n");
    }
}
