package dev.ember.invoke;

import static dev.ember.testing.EmberTestServer.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigNotFoundException;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyStatusEnum;
import software.amazon.awssdk.services.lambda.model.PutProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** Provisioned concurrency through the AWS SDK: environments initialised ahead, used first, durable, released. */
class ProvisionedConcurrencyTest {
    /** Answers with how its environment was initialised and which environment it is. */
    private static final String INIT_TYPE = Bootstraps.shell("""
            RESPONSE="{\\"init\\":\\"$AWS_LAMBDA_INITIALIZATION_TYPE\\",\\"environment\\":\\"$AWS_LAMBDA_LOG_STREAM_NAME\\"}"
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

    private LambdaClient start() {
        ember = EmberTestServer.start(dataDir);
        return ember.lambda();
    }

    private static void deployAndPublish(LambdaClient lambda) {
        lambda.createFunction(b -> b.functionName("fn").runtime(Runtime.PROVIDED_AL2023).handler("h").memorySize(128)
                .code(c -> c.zipFile(zip(Map.of("bootstrap", INIT_TYPE)))));
        lambda.publishVersion(b -> b.functionName("fn"));
        lambda.createAlias(b -> b.functionName("fn").name("live").functionVersion("1"));
    }

    private static void awaitReady(LambdaClient lambda, String qualifier) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lambda.getProvisionedConcurrencyConfig(
                b -> b.functionName("fn").qualifier(qualifier)).status()).isEqualTo(ProvisionedConcurrencyStatusEnum.READY));
    }

    private static String log(InvokeResponse response) {
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }

    @Test
    void environmentsAreInitialisedAheadAndServeTheFirstInvocationWarm() {
        LambdaClient lambda = start();
        deployAndPublish(lambda);

        PutProvisionedConcurrencyConfigResponse put = lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn")
                .qualifier("live").provisionedConcurrentExecutions(2));
        assertThat(put.requestedProvisionedConcurrentExecutions()).isEqualTo(2);
        assertThat(put.status()).isIn(ProvisionedConcurrencyStatusEnum.IN_PROGRESS,
                ProvisionedConcurrencyStatusEnum.READY);
        awaitReady(lambda, "live");
        var ready = lambda.getProvisionedConcurrencyConfig(b -> b.functionName("fn").qualifier("live"));
        assertThat(ready.allocatedProvisionedConcurrentExecutions()).isEqualTo(2);
        assertThat(ready.availableProvisionedConcurrentExecutions()).isEqualTo(2);
        assertThat(ready.lastModified()).isNotBlank();

        InvokeResponse first = lambda.invoke(b -> b.functionName("fn").qualifier("live").logType(LogType.TAIL));
        assertThat(first.payload().asUtf8String()).contains("\"init\":\"provisioned-concurrency\"");
        assertThat(log(first)).doesNotContain("Init Duration");
        // The version the alias points to is served by the same environments.
        assertThat(lambda.invoke(b -> b.functionName("fn").qualifier("1")).payload().asUtf8String())
                .contains("provisioned-concurrency");
        // $LATEST is another version: on demand.
        assertThat(lambda.invoke(b -> b.functionName("fn")).payload().asUtf8String()).contains("\"on-demand\"");

        var listed = lambda.listProvisionedConcurrencyConfigs(b -> b.functionName("fn")).provisionedConcurrencyConfigs();
        assertThat(listed).singleElement().satisfies(c -> {
            assertThat(c.functionArn()).endsWith(":function:fn:live");
            assertThat(c.status()).isEqualTo(ProvisionedConcurrencyStatusEnum.READY);
        });
    }

    @Test
    void theConfigurationSurvivesARestartAndItsEnvironmentsComeBack() {
        LambdaClient lambda = start();
        deployAndPublish(lambda);
        lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn").qualifier("1")
                .provisionedConcurrentExecutions(1));
        awaitReady(lambda, "1");

        ember.close();
        LambdaClient restarted = start();
        awaitReady(restarted, "1");
        assertThat(restarted.invoke(b -> b.functionName("fn").qualifier("1")).payload().asUtf8String())
                .contains("provisioned-concurrency");
    }

    @Test
    void deletingItLetsTheEnvironmentsGo() {
        LambdaClient lambda = start();
        deployAndPublish(lambda);
        lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn").qualifier("live")
                .provisionedConcurrentExecutions(1));
        awaitReady(lambda, "live");

        lambda.deleteProvisionedConcurrencyConfig(b -> b.functionName("fn").qualifier("live"));

        assertThatThrownBy(() -> lambda.getProvisionedConcurrencyConfig(b -> b.functionName("fn").qualifier("live")))
                .isInstanceOf(ProvisionedConcurrencyConfigNotFoundException.class)
                .hasMessageContaining("No Provisioned Concurrency Config found for this function");
        assertThat(lambda.invoke(b -> b.functionName("fn").qualifier("live")).payload().asUtf8String())
                .contains("\"on-demand\"");
    }

    @Test
    void badRequestsGetLambdasErrors() {
        LambdaClient lambda = start();
        deployAndPublish(lambda);

        assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn")
                .qualifier("$LATEST").provisionedConcurrentExecutions(1)))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("cannot be applied to unpublished function versions");
        assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn")
                .qualifier("nope").provisionedConcurrentExecutions(1)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(b -> b.functionName("ghost")
                .qualifier("1").provisionedConcurrentExecutions(1)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn")
                .qualifier("1").provisionedConcurrentExecutions(0)))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("greater than or equal to 1");
        assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn")
                .qualifier("1").provisionedConcurrentExecutions(1000)))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("unreserved concurrency");

        lambda.putFunctionConcurrency(b -> b.functionName("fn").reservedConcurrentExecutions(2));
        lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn").qualifier("1")
                .provisionedConcurrentExecutions(2));
        assertThatThrownBy(() -> lambda.putProvisionedConcurrencyConfig(b -> b.functionName("fn")
                .qualifier("live").provisionedConcurrentExecutions(1)))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("should not be greater than the reservedConcurrentExecution");
        assertThatThrownBy(() -> lambda.getProvisionedConcurrencyConfig(b -> b.functionName("fn").qualifier("live")))
                .isInstanceOf(ProvisionedConcurrencyConfigNotFoundException.class);
    }
}
