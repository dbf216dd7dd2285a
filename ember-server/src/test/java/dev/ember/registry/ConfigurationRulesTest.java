package dev.ember.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Lambda's configuration rules, each with AWS's message naming the field and the rule. */
class ConfigurationRulesTest extends RegistryTestCase {
    static Stream<Arguments> violations() {
        FunctionConfig ok = RegistryFixture.config("fn");
        return Stream.of(
                Arguments.of(with(ok, "memory", 20_000), "1 validation error detected: Value '20000' at 'memorySize' "
                        + "failed to satisfy constraint: Member must have value less than or equal to 10240"),
                Arguments.of(with(ok, "memory", 127), "Value '127' at 'memorySize' failed to satisfy constraint: "
                        + "Member must have value greater than or equal to 128"),
                Arguments.of(with(ok, "timeout", 0), "Value '0' at 'timeout' failed to satisfy constraint: "
                        + "Member must have value greater than or equal to 1"),
                Arguments.of(with(ok, "timeout", 901), "Value '901' at 'timeout' failed to satisfy constraint: "
                        + "Member must have value less than or equal to 900"),
                Arguments.of(with(ok, "storage", 511), "Value '511' at 'ephemeralStorage.size' failed to satisfy "
                        + "constraint: Member must have value greater than or equal to 512"),
                Arguments.of(with(ok, "storage", 10_241), "Value '10241' at 'ephemeralStorage.size' failed to "
                        + "satisfy constraint: Member must have value less than or equal to 10240"),
                Arguments.of(new FunctionConfig("fn", Runtime.PROVIDED, "h", null, "d".repeat(257), 3, 128, null, 512),
                        "at 'description' failed to satisfy constraint: Member must have length less than or equal "
                                + "to 256"),
                Arguments.of(new FunctionConfig("fn", Runtime.PROVIDED, null, null, "", 3, 128, null, 512),
                        "1 validation error detected: Value null at 'handler' failed to satisfy constraint: "
                                + "Member must not be null"),
                Arguments.of(new FunctionConfig("fn", Runtime.PROVIDED, "has space", null, "", 3, 128, null, 512),
                        "Value 'has space' at 'handler' failed to satisfy constraint: Member must satisfy regular "
                                + "expression pattern: [^\\s]+"),
                Arguments.of(new FunctionConfig("fn", Runtime.PROVIDED, "h".repeat(129), null, "", 3, 128, null, 512),
                        "at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128"),
                Arguments.of(new FunctionConfig("fn", Runtime.PROVIDED, "h", "not-a-role", "", 3, 128, null, 512),
                        "Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular "
                                + "expression pattern"),
                Arguments.of(RegistryFixture.config("has space"), "Value 'has space' at 'functionName' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern"),
                Arguments.of(RegistryFixture.config("n".repeat(65)), "at 'functionName' failed to satisfy "
                        + "constraint: Member must have length less than or equal to 64"),
                Arguments.of(env(Map.of("1BAD", "x")), "1 validation error detected: Value at "
                        + "'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: "
                        + "[Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]"),
                Arguments.of(env(Map.of("A", "single letter keys are too short")), "Map keys must satisfy constraint"),
                Arguments.of(env(Map.of("AWS_REGION", "x", "TZ", "UTC", "FINE", "y")), "Lambda was unable to "
                        + "configure your environment variables because the environment variables you have provided "
                        + "contains reserved keys that are currently not supported for modification. Reserved keys "
                        + "used in this request: AWS_REGION, TZ"),
                Arguments.of(env(Map.of("BIG", "x".repeat(4094))), "Lambda was unable to configure your environment "
                        + "variables because the environment variables you have provided exceeded the 4KB limit. "
                        + "String measured: {\"BIG\":\"xxx"),
                Arguments.of(new FunctionConfig("fn", Runtime.PROVIDED, null, null, "", 0, 20_000, null, 512),
                        "3 validation errors detected: Value null at 'handler' failed to satisfy constraint: Member "
                                + "must not be null; Value '0' at 'timeout'"));
    }

    @ParameterizedTest
    @MethodSource("violations")
    void createRefuses(FunctionConfig config, String message) {
        assertThatThrownBy(() -> fixture.registry.create(config, TestZips.hello(), false))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.INVALID_PARAMETER_VALUE);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void theLimitsThemselvesAreAllowed() {
        Map<String, String> fourKilobytes = new LinkedHashMap<>();
        fourKilobytes.put("AB", "x".repeat(4094));
        String role = "arn:aws:iam::123456789012:role/service-role/my-role";

        FunctionVersion created = fixture.registry.create(new FunctionConfig("n".repeat(64), Runtime.JAVA21,
                "h".repeat(128), role, "d".repeat(256), 900, 10_240, fourKilobytes, 10_240), TestZips.hello(), false);

        assertThat(created.config().role()).isEqualTo(role);
        fixture.registry.updateConfiguration("n".repeat(64),
                new ConfigUpdate(null, null, null, null, 1, 128, Map.of(), 512), null);
    }

    @Test
    void updateChecksTheConfigurationItWouldProduce() {
        fixture.create("fn");

        assertThatThrownBy(() -> fixture.registry.updateConfiguration("fn",
                new ConfigUpdate(null, null, null, null, null, 10_241, null, null), null))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: "
                                + "Member must have value less than or equal to 10240"));
        assertThatThrownBy(() -> fixture.registry.updateConfiguration("fn",
                new ConfigUpdate(null, null, null, null, null, null, Map.of("LAMBDA_TASK_ROOT", "/x"), null), null))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.getMessage())
                        .endsWith("Reserved keys used in this request: LAMBDA_TASK_ROOT"));
    }

    @Test
    void everyReservedKeyIsRefused() {
        for (String key : ConfigurationRules.RESERVED_KEYS) {
            assertThatThrownBy(() -> fixture.registry.create(env(Map.of(key, "x")), TestZips.hello(), false))
                    .as(key)
                    .hasMessageEndingWith("Reserved keys used in this request: " + key);
        }
    }

    private static FunctionConfig with(FunctionConfig c, String field, int value) {
        return new FunctionConfig(c.name(), c.runtime(), c.handler(), c.role(), c.description(),
                field.equals("timeout") ? value : c.timeoutSeconds(),
                field.equals("memory") ? value : c.memoryMb(), c.environment(),
                field.equals("storage") ? value : c.ephemeralStorageMb());
    }

    private static FunctionConfig env(Map<String, String> environment) {
        return new FunctionConfig("fn", Runtime.PROVIDED, "h", null, "", 3, 128, environment, 512);
    }
}
