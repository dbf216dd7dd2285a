package dev.ember.invoke;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** PutFunctionConcurrency, GetFunctionConcurrency and DeleteFunctionConcurrency through the AWS SDK, and their effect. */
class ReservedConcurrencyTest {
    @TempDir
    Path dataDir;
    EmberTestServer ember;

    @AfterEach
    void stop() {
        if (ember != null) {
            ember.close();
        }
    }

    private LambdaClient start(int accountLimit) {
        ember = EmberTestServer.start(dataDir, o -> o.withConcurrencyLimit(accountLimit));
        return ember.lambda();
    }

    private static void deploy(LambdaClient lambda, String name, String bootstrap) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("h")
                .memorySize(1769).code(c -> c.zipFile(zip(Map.of("bootstrap", bootstrap)))));
    }

    @Test
    void aReservationIsSetReadRemovedAndSurvivesARestart() {
        LambdaClient lambda = start(100);
        deploy(lambda, "fn", Bootstraps.ECHO);
        assertThat(lambda.getFunctionConcurrency(b -> b.functionName("fn")).reservedConcurrentExecutions()).isNull();

        assertThat(lambda.putFunctionConcurrency(b -> b.functionName("fn").reservedConcurrentExecutions(7))
                .reservedConcurrentExecutions()).isEqualTo(7);
        ember.close();
        lambda = start(100);
        assertThat(lambda.getFunctionConcurrency(b -> b.functionName("fn")).reservedConcurrentExecutions())
                .isEqualTo(7);
        assertThat(lambda.getFunction(b -> b.functionName("fn")).concurrency().reservedConcurrentExecutions())
                .isEqualTo(7);

        lambda.deleteFunctionConcurrency(b -> b.functionName("fn"));
        assertThat(lambda.getFunctionConcurrency(b -> b.functionName("fn")).reservedConcurrentExecutions()).isNull();
        assertThat(lambda.getFunction(b -> b.functionName("fn")).concurrency()).isNull();
    }

    @Test
    void zeroThrottlesTheFunctionAndOnlyIt() {
        LambdaClient lambda = start(100);
        deploy(lambda, "off", Bootstraps.ECHO);
        deploy(lambda, "on", Bootstraps.ECHO);
        lambda.putFunctionConcurrency(b -> b.functionName("off").reservedConcurrentExecutions(0));

        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("off")))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> assertThat(e.reasonAsString())
                        .isEqualTo("ReservedFunctionConcurrentInvocationLimitExceeded"));
        assertThat(lambda.invoke(b -> b.functionName("on")).statusCode()).isEqualTo(200);
    }

    @Test
    void aReservationCapsTheFunctionsConcurrency() throws Exception {
        LambdaClient lambda = start(100);
        deploy(lambda, "one", Bootstraps.shell("sleep 0.7\nRESPONSE='{}'"));
        lambda.putFunctionConcurrency(b -> b.functionName("one").reservedConcurrentExecutions(1));

        List<Object> outcomes = new ArrayList<>();
        var barrier = new CyclicBarrier(2);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(executor.submit(() -> {
                    barrier.await();
                    try {
                        return lambda.invoke(b -> b.functionName("one")).statusCode();
                    } catch (TooManyRequestsException e) {
                        return e.reasonAsString();
                    }
                }));
            }
            for (Future<Object> call : calls) {
                outcomes.add(call.get());
            }
        }

        assertThat(outcomes).containsExactlyInAnyOrder(200, "ReservedFunctionConcurrentInvocationLimitExceeded");
    }

    @Test
    void reservationsMustLeaveATenthOfTheAccountToTheOthers() {
        LambdaClient lambda = start(20);
        deploy(lambda, "big", Bootstraps.ECHO);

        assertThatThrownBy(() -> lambda.putFunctionConcurrency(b -> b.functionName("big")
                .reservedConcurrentExecutions(19))).isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("below its minimum value of [2]");
        assertThat(lambda.putFunctionConcurrency(b -> b.functionName("big").reservedConcurrentExecutions(18))
                .reservedConcurrentExecutions()).isEqualTo(18);
        assertThatThrownBy(() -> lambda.putFunctionConcurrency(b -> b.functionName("big")
                .reservedConcurrentExecutions(-1))).isInstanceOf(InvalidParameterValueException.class);
    }

    @Test
    void unknownFunctionsAndDeletedOnesHaveNone() {
        LambdaClient lambda = start(100);
        assertThatThrownBy(() -> lambda.putFunctionConcurrency(b -> b.functionName("nope")
                .reservedConcurrentExecutions(1))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.getFunctionConcurrency(b -> b.functionName("nope")))
                .isInstanceOf(ResourceNotFoundException.class);

        deploy(lambda, "gone", Bootstraps.ECHO);
        lambda.putFunctionConcurrency(b -> b.functionName("gone").reservedConcurrentExecutions(3));
        lambda.deleteFunction(b -> b.functionName("gone"));
        deploy(lambda, "gone", Bootstraps.ECHO);

        assertThat(lambda.getFunctionConcurrency(b -> b.functionName("gone")).reservedConcurrentExecutions()).isNull();
    }
}
