package dev.ember.server;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * The host memory budget: environments together never hold more than it; a new one makes room by evicting the idle
 * environment the policy values least, and when only busy environments hold the memory the invocation is throttled.
 */
class MemoryBudgetTest {
    /** Echoes, and sleeps first when the event says {@code {"sleep": N}}. */
    private static final String SLEEPER = Bootstraps.shell("""
            case "$EVENT" in *sleep*) sleep 2 ;; esac
            RESPONSE="{\\"environment\\":\\"$AWS_LAMBDA_LOG_STREAM_NAME\\"}"
            """);

    @TempDir
    Path dataDir;
    EmberTestServer ember;

    @AfterEach
    void stop() {
        if (ember != null) {
            ember.close();
        }
    }

    private LambdaClient start(String policy) {
        ember = EmberTestServer.start(dataDir, o -> o.withMemoryBudgetMb(256).withPolicy(policy));
        LambdaClient lambda = ember.lambda();
        for (String name : new String[] {"a", "b", "c"}) {
            lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("h")
                    .memorySize(128).code(c -> c.zipFile(zip(Map.of("bootstrap", SLEEPER)))));
        }
        return lambda;
    }

    private static String environment(LambdaClient lambda, String name) {
        return lambda.invoke(b -> b.functionName(name)).payload().asUtf8String();
    }

    @Test
    void aNewEnvironmentEvictsTheIdleOneThePolicyValuesLeast() {
        LambdaClient lambda = start("fixed"); // least recently used goes first
        String a = environment(lambda, "a");
        String b = environment(lambda, "b");

        environment(lambda, "c"); // 256 MB are held by a and b, idle: a, used least recently, makes room

        assertThat(environment(lambda, "b")).isEqualTo(b);
        assertThat(environment(lambda, "a")).isNotEqualTo(a);
    }

    @Test
    void whenBusyEnvironmentsHoldTheMemoryAnInvocationIsThrottledWithAClearReason() throws Exception {
        LambdaClient lambda = start("ember");
        ExecutorService callers = Executors.newFixedThreadPool(2);
        var first = callers.submit(() -> lambda.invoke(r -> r.functionName("a")
                .payload(SdkBytes.fromUtf8String("{\"sleep\":1}"))));
        var second = callers.submit(() -> lambda.invoke(r -> r.functionName("b")
                .payload(SdkBytes.fromUtf8String("{\"sleep\":1}"))));
        await().atMost(Duration.ofSeconds(20)).until(() -> running("a") == 1 && running("b") == 1);

        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("c")))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> {
                    assertThat(e.reasonAsString()).isEqualTo("EmberMemoryBudgetExceeded");
                    assertThat(e.getMessage()).contains("memory budget of 256 MB")
                            .contains("a new environment of c needs 128 MB");
                });
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(second.get().statusCode()).isEqualTo(200);
        callers.close();
        // Once they are idle, they make room.
        assertThat(lambda.invoke(r -> r.functionName("c")).statusCode()).isEqualTo(200);
    }

    @Test
    void aFunctionMayNameItsOwnPolicy() throws Exception {
        LambdaClient lambda = start("ember");
        lambda.updateFunctionConfiguration(b -> b.functionName("a")
                .environment(e -> e.variables(Map.of("EMBER_POLICY", "greedy-dual"))));
        environment(lambda, "a");

        assertThat(scaling("a")).contains("\"Policy\":\"greedy-dual\"").contains("until memory is needed");
        assertThat(scaling("b")).contains("\"Policy\":\"ember\"");
        assertThatThrownBy(() -> lambda.updateFunctionConfiguration(b -> b.functionName("b")
                .environment(e -> e.variables(Map.of("EMBER_POLICY", "lru")))))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("EMBER_POLICY must be one of [fixed, hybrid, greedy-dual, ember]");
    }

    private String scaling(String name) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(ember.endpoint() + "/ember/v1/functions/" + name
                    + "/scaling")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private int running(String name) throws Exception {
        String body = scaling(name);
        int at = body.indexOf("\"Running\":") + 10;
        return Integer.parseInt(body.substring(at, body.indexOf(',', at)));
    }
}
