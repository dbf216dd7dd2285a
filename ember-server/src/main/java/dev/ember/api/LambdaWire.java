package dev.ember.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ember.lambda.Arns;
import dev.ember.registry.Alias;
import dev.ember.registry.FunctionConfig;
import dev.ember.registry.FunctionVersion;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of Lambda's control plane, in one place. Components are named as in the AWS API reference with a
 * lower-case first letter; the mapper writes them in AWS's upper camel case and leaves out nulls.
 */
final class LambdaWire {
    /** AWS's {@code LastModified} format, e.g. {@code 2024-03-01T12:00:00.000+0000}. */
    static final DateTimeFormatter LAST_MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private LambdaWire() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    record Environment(Map<String, String> variables) {
    }

    record EphemeralStorage(int size) {
    }

    record DeadLetterConfig(String targetArn) {
    }

    record TracingConfig(String mode) {
    }

    record LoggingConfig(String logFormat, String logGroup) {
    }

    record FunctionConfiguration(String functionName, String functionArn, String runtime, String role,
                                 String handler, long codeSize, String description, int timeout, int memorySize,
                                 String lastModified, String codeSha256, String version, Environment environment,
                                 TracingConfig tracingConfig, String revisionId, String state,
                                 String lastUpdateStatus, String packageType, List<String> architectures,
                                 EphemeralStorage ephemeralStorage, LoggingConfig loggingConfig,
                                 DeadLetterConfig deadLetterConfig) {

        static FunctionConfiguration of(FunctionVersion version, Arns arns) {
            FunctionConfig config = version.config();
            return new FunctionConfiguration(config.name(),
                    arns.function(config.name(), version.isLatest() ? null : version.version()),
                    config.runtime().id(), config.role(), config.handler(), version.code().size(),
                    config.description(), config.timeoutSeconds(), config.memoryMb(),
                    LAST_MODIFIED.format(version.lastModified()), version.code().sha256(), version.version(),
                    config.environment().isEmpty() ? null : new Environment(config.environment()),
                    new TracingConfig("PassThrough"), version.revisionId(), "Active", "Successful", "Zip",
                    List.of("x86_64"), new EphemeralStorage(config.ephemeralStorageMb()),
                    new LoggingConfig("Text", "/aws/lambda/" + config.name()),
                    config.deadLetterTargetArn() == null ? null : new DeadLetterConfig(config.deadLetterTargetArn()));
        }
    }

    record FunctionCodeLocation(String repositoryType, String location) {
    }

    /** GetFunction's answer; {@code concurrency} is absent (null) when the function has no reservation. */
    record GetFunctionResponse(FunctionConfiguration configuration, FunctionCodeLocation code,
                               Map<String, String> tags, Concurrency concurrency) {
    }

    record Concurrency(int reservedConcurrentExecutions) {
    }

    record ListFunctionsResponse(List<FunctionConfiguration> functions, String nextMarker) {
    }

    record ListVersionsResponse(List<FunctionConfiguration> versions, String nextMarker) {
    }

    record RoutingConfig(Map<String, Double> additionalVersionWeights) {
    }

    record AliasConfiguration(String aliasArn, String name, String functionVersion, String description,
                              RoutingConfig routingConfig, String revisionId) {

        static AliasConfiguration of(Alias alias, Arns arns) {
            return new AliasConfiguration(arns.function(alias.functionName(), alias.name()), alias.name(),
                    alias.functionVersion(), alias.description(),
                    alias.additionalVersionWeights().isEmpty()
                            ? null : new RoutingConfig(alias.additionalVersionWeights()),
                    alias.revisionId());
        }
    }

    record ListAliasesResponse(List<AliasConfiguration> aliases, String nextMarker) {
    }
}
