package dev.ember.registry;

import static dev.ember.registry.FunctionLifecycleTest.assertNotFound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CreateAlias, GetAlias, UpdateAlias, DeleteAlias, and invoking through an alias. */
class AliasTest extends RegistryTestCase {
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:hello";

    @BeforeEach
    void seed() {
        fixture.create("hello");
        registry.publishVersion("hello", null, null, null);
        registry.updateCode("hello", TestZips.hello("v2"), true, null);
    }

    @Test
    void anAliasResolvesToItsPrimaryVersion() {
        Alias alias = registry.createAlias("hello", "live", "1", "production", Map.of("2", 0.25));

        assertThat(alias).isEqualTo(new Alias("hello", "live", "1", "production", Map.of("2", 0.25),
                alias.revisionId()));
        assertThat(registry.getAlias("hello", "live")).isEqualTo(alias);
        assertThat(registry.get("hello", "live")).isEqualTo(registry.get("hello", "1"));
    }

    @Test
    void anAliasMayPointAtLatestWithoutRouting() {
        registry.createAlias("hello", "dev", "$LATEST", null, null);

        assertThat(registry.get("hello", "dev")).isEqualTo(registry.get("hello", null));
    }

    @Test
    void updateChangesOnlyWhatIsGivenWithANewRevision() {
        Alias created = registry.createAlias("hello", "live", "1", "production", Map.of("2", 0.25));

        Alias updated = registry.updateAlias("hello", "live", new AliasUpdate("2", null, Map.of()),
                created.revisionId());

        assertThat(updated.functionVersion()).isEqualTo("2");
        assertThat(updated.description()).isEqualTo("production");
        assertThat(updated.additionalVersionWeights()).isEmpty();
        assertThat(updated.revisionId()).isNotEqualTo(created.revisionId());
        assertThat(registry.get("hello", "live").version()).isEqualTo("2");
    }

    @Test
    void updateWithAStaleRevisionIsAPreconditionFailure() {
        Alias created = registry.createAlias("hello", "live", "1", null, null);
        registry.updateAlias("hello", "live", new AliasUpdate(null, "x", null), null);

        assertThatThrownBy(() -> registry.updateAlias("hello", "live", new AliasUpdate("2", null, null),
                created.revisionId()))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.PRECONDITION_FAILED);
                    assertThat(e.getMessage()).startsWith("The Revision Id provided does not match");
                });
    }

    @Test
    void anExistingAliasIsAConflict() {
        registry.createAlias("hello", "live", "1", null, null);

        assertThatThrownBy(() -> registry.createAlias("hello", "live", "2", null, null))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_CONFLICT);
                    assertThat(e.getMessage()).isEqualTo("Alias already exists: " + ARN + ":live");
                });
    }

    @Test
    void anAliasMustPointAtAnExistingVersion() {
        assertNotFound(() -> registry.createAlias("hello", "live", "9", null, null), "Function not found: " + ARN + ":9");
        assertNotFound(() -> registry.createAlias("hello", "live", "1", null, Map.of("9", 0.5)),
                "Function not found: " + ARN + ":9");
        assertNotFound(() -> registry.getAlias("hello", "live"), "Alias not found: " + ARN + ":live");
        assertNotFound(() -> registry.updateAlias("hello", "live", new AliasUpdate("1", null, null), null),
                "Alias not found: " + ARN + ":live");
    }

    @ParameterizedTest
    @ValueSource(strings = {"123", "", "has space", "dollar$"})
    void aliasNamesFollowLambdasPattern(String name) {
        assertInvalid(() -> registry.createAlias("hello", name, "1", null, null), "at 'name' failed to satisfy");
    }

    @Test
    void aliasNamesAreAtMost128Characters() {
        registry.createAlias("hello", "a".repeat(128), "1", null, null);

        assertInvalid(() -> registry.createAlias("hello", "b".repeat(129), "1", null, null),
                "Member must have length less than or equal to 128");
    }

    @Test
    void routingRules() {
        assertInvalid(() -> registry.createAlias("hello", "live", "1", null, Map.of("2", 1.5)),
                "Map value must satisfy constraint: [Member must have value less than or equal to 1.0");
        assertInvalid(() -> registry.createAlias("hello", "live", "1", null, Map.of("2", -0.1)),
                "Map value must satisfy constraint");
        assertInvalid(() -> registry.createAlias("hello", "live", "1", null, Map.of("2", 0.1, "3", 0.1)),
                "Member must have length less than or equal to 1");
        assertInvalid(() -> registry.createAlias("hello", "live", "1", null, Map.of("$LATEST", 0.1)),
                "Map keys must satisfy constraint");
        assertInvalid(() -> registry.createAlias("hello", "live", "1", null, Map.of("1", 0.1)),
                "Invalid function version 1. Function version 1 is already included in routing configuration.");
        assertInvalid(() -> registry.createAlias("hello", "live", "$LATEST", null, Map.of("1", 0.1)),
                "$LATEST is not supported for an alias pointing to more than 1 version");
        assertInvalid(() -> registry.createAlias("hello", "live", "one", null, null),
                "Value 'one' at 'functionVersion' failed to satisfy constraint");
        assertInvalid(() -> registry.createAlias("hello", "live", "1", "d".repeat(257), null),
                "at 'description' failed to satisfy constraint: Member must have length less than or equal to 256");
        registry.createAlias("hello", "edge", "1", null, Map.of("2", 0.0));
        registry.createAlias("hello", "full", "1", null, Map.of("2", 1.0));
    }

    @Test
    void updateChecksTheMergedAlias() {
        registry.createAlias("hello", "live", "1", null, Map.of("2", 0.5));

        assertInvalid(() -> registry.updateAlias("hello", "live", new AliasUpdate("2", null, null), null),
                "Function version 2 is already included in routing configuration");
        assertInvalid(() -> registry.updateAlias("hello", "live", new AliasUpdate("$LATEST", null, null), null),
                "$LATEST is not supported for an alias pointing to more than 1 version");
    }

    @Test
    void deletingAnAliasThatDoesNotExistSucceeds() {
        registry.createAlias("hello", "live", "1", null, null);

        registry.deleteAlias("hello", "live");
        registry.deleteAlias("hello", "live");

        assertNotFound(() -> registry.get("hello", "live"), "Function not found: " + ARN + ":live");
    }

    @Test
    void deletingAnAliasByDeleteFunctionIsRefused() {
        registry.createAlias("hello", "live", "1", null, null);

        assertInvalid(() -> registry.delete("hello", "live"), "delete an alias with DeleteAlias");
    }

    private static void assertInvalid(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.INVALID_PARAMETER_VALUE);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
