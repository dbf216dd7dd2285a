package dev.ember.invoke;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** One environment per in-flight request, reuse when idle, throttling at the account limit, alias weights. */
class ConcurrencyInvokeTest {
    /** Holds each invocation until all of a batch are in flight, so the batch needs that many environments. */
    private static final String GATED = Bootstraps.shell("""
            sleep 0.7
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

    @Test
    void parallelRequestsGetTheirOwnEnvironmentsThenReuseThem() throws Exception {
        ember = EmberTestServer.start(dataDir);
        var lambda = ember.lambda();
        lambda.createFunction(b -> b.functionName("gated").runtime(Runtime.PROVIDED_AL2023).handler("h")
                .code(c -> c.zipFile(zip(Map.of("bootstrap", GATED)))));

        Set<String> first = environments(invokeInParallel("gated", 4));
        Set<String> second = environments(invokeInParallel("gated", 4));

        assertThat(first).hasSize(4);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void requestsBeyondTheConcurrencyLimitAreThrottled() throws Exception {
        ember = EmberTestServer.start(dataDir, o -> o.withConcurrencyLimit(2));
        ember.lambda().createFunction(b -> b.functionName("gated").runtime(Runtime.PROVIDED_AL2023).handler("h")
                .code(c -> c.zipFile(zip(Map.of("bootstrap", GATED)))));

        List<Object> outcomes = invokeInParallel("gated", 3);

        assertThat(outcomes).filteredOn(InvokeResponse.class::isInstance).hasSize(2);
        assertThat(outcomes).filteredOn(TooManyRequestsException.class::isInstance).singleElement()
                .satisfies(e -> {
                    var throttled = (TooManyRequestsException) e;
                    assertThat(throttled.statusCode()).isEqualTo(429);
                    assertThat(throttled.reasonAsString()).isEqualTo("ConcurrentInvocationLimitExceeded");
                    assertThat(throttled.retryAfterSeconds()).isNotBlank();
                });
    }

    @Test
    void aliasWeightsSplitTrafficBetweenVersions() {
        ember = EmberTestServer.start(dataDir);
        var lambda = ember.lambda();
        // 1,769 MB: a full core, so 200 back-to-back calls of a curl-based runtime are not throttled by CPU share.
        lambda.createFunction(b -> b.functionName("split").runtime(Runtime.PROVIDED_AL2023).handler("h")
                .memorySize(1769).code(c -> c.zipFile(zip(Map.of("bootstrap", Bootstraps.ECHO)))));
        lambda.publishVersion(b -> b.functionName("split"));
        lambda.updateFunctionConfiguration(b -> b.functionName("split").description("v2"));
        lambda.publishVersion(b -> b.functionName("split"));
        lambda.createAlias(b -> b.functionName("split").name("live").functionVersion("1")
                .routingConfig(r -> r.additionalVersionWeights(Map.of("2", 0.3))));

        int onTwo = 0;
        int calls = 200;
        for (int i = 0; i < calls; i++) {
            var response = lambda.invoke(b -> b.functionName("split").qualifier("live"));
            assertThat(response.executedVersion()).isIn("1", "2");
            onTwo += response.executedVersion().equals("2") ? 1 : 0;
        }
        // Binomial(200, 0.3): mean 60, sd 6.5; the bounds are more than 4.5 sd away.
        assertThat(onTwo).isBetween(30, 90);
    }

    private List<Object> invokeInParallel(String name, int n) throws Exception {
        var lambda = ember.lambda();
        var barrier = new CyclicBarrier(n);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(executor.submit(() -> {
                    barrier.await();
                    try {
                        return lambda.invoke(b -> b.functionName(name).payload(SdkBytes.fromUtf8String("{}")));
                    } catch (TooManyRequestsException e) {
                        return e;
                    }
                }));
            }
            List<Object> results = new ArrayList<>();
            for (Future<Object> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    private static Set<String> environments(List<Object> responses) {
        Set<String> environments = new HashSet<>();
        for (Object response : responses) {
            String body = ((InvokeResponse) response).payload().asUtf8String();
            assertThat(body).startsWith("{\"environment\":");
            environments.add(body);
        }
        return environments;
    }
}
