package dev.ember.registry;

import static dev.ember.registry.TestZips.zip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request the registry refuses leaves it exactly as it was: the same rows in every table, the same files
 * (names, modes, contents) in the code directory, the same answers from memory. A refused upload of new code in
 * particular must not leave its blob behind.
 */
class BadInputLeavesRegistryUnchangedTest extends RegistryTestCase {
    private static final String STALE = "00000000-0000-0000-0000-000000000000";
    /** Valid code nobody uploaded yet: a refused request must not store it. */
    private static final byte[] NEW_CODE = TestZips.hello("never stored");

    @BeforeEach
    void seed() {
        registry.create(RegistryFixture.config("hello"), TestZips.hello(), true);
        registry.updateCode("hello", TestZips.hello("v2"), true, null);
        registry.createAlias("hello", "live", "1", "production", Map.of("2", 0.5));
        registry.createAlias("hello", "dev", "$LATEST", null, null);
        fixture.create("other");
        registry.codeDirectory(registry.get("hello", "1").code());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refused("create: the name exists", ErrorType.RESOURCE_CONFLICT,
                        r -> r.create(RegistryFixture.config("hello"), NEW_CODE, true)),
                refused("create: invalid configuration", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(config("new", 20_000, Map.of()), NEW_CODE, true)),
                refused("create: reserved environment variable", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(config("new", 128, Map.of("AWS_REGION", "x")), NEW_CODE, true)),
                refused("create: environment over 4 KB", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(config("new", 128, Map.of("BIG", "x".repeat(5000))), NEW_CODE, true)),
                refused("create: not a zip", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), "plain text".getBytes(), false)),
                refused("create: no code", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), null, false)),
                refused("create: empty zip", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), zip().build(), false)),
                refused("create: entry escaping with ..", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), zip().file("../../etc/cron.d/x", "x").build(),
                                false)),
                refused("create: absolute entry", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), zip().file("/etc/passwd", "x").build(), false)),
                refused("create: backslash entry", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), zip().file("..\\..\\x", "x").build(), false)),
                refused("create: symbolic link escaping", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), zip().file("bootstrap", "x")
                                .symlink("etc", "/etc").build(), false)),
                refused("create: corrupt entry", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"),
                                zip().raw("bootstrap", TestZips.deflatedZeros(100), 100, 42).build(), false)),
                refused("create: unzipped over 250 MB", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.create(RegistryFixture.config("new"), zip().raw("bootstrap",
                                TestZips.deflatedZeros(263_000_000L), 1, 0).build(), false)),
                refused("create: zip over 50 MB", ErrorType.REQUEST_TOO_LARGE,
                        r -> r.create(RegistryFixture.config("new"), new byte[52_428_801], false)),
                refused("updateCode: missing function", ErrorType.RESOURCE_NOT_FOUND,
                        r -> r.updateCode("missing", NEW_CODE, true, null)),
                refused("updateCode: stale revision", ErrorType.PRECONDITION_FAILED,
                        r -> r.updateCode("hello", NEW_CODE, true, STALE)),
                refused("updateCode: not a zip", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.updateCode("hello", new byte[] {1, 2, 3}, true, null)),
                refused("updateConfiguration: missing function", ErrorType.RESOURCE_NOT_FOUND,
                        r -> r.updateConfiguration("missing", update(256), null)),
                refused("updateConfiguration: stale revision", ErrorType.PRECONDITION_FAILED,
                        r -> r.updateConfiguration("hello", update(256), STALE)),
                refused("updateConfiguration: memory too large", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.updateConfiguration("hello", update(10_241), null)),
                refused("updateConfiguration: invalid handler", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.updateConfiguration("hello",
                                new ConfigUpdate(null, "two words", null, null, null, null, null, null), null)),
                refused("publishVersion: missing function", ErrorType.RESOURCE_NOT_FOUND,
                        r -> r.publishVersion("missing", null, null, null)),
                refused("publishVersion: stale revision", ErrorType.PRECONDITION_FAILED,
                        r -> r.publishVersion("other", null, null, STALE)),
                refused("publishVersion: other CodeSha256", ErrorType.PRECONDITION_FAILED,
                        r -> r.publishVersion("other", "AAAA", null, null)),
                refused("publishVersion: description too long", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.publishVersion("other", null, "d".repeat(257), null)),
                refused("delete: $LATEST", ErrorType.INVALID_PARAMETER_VALUE, r -> r.delete("hello", "$LATEST")),
                refused("delete: an alias as qualifier", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.delete("hello", "live")),
                refused("delete: missing version", ErrorType.RESOURCE_NOT_FOUND, r -> r.delete("hello", "9")),
                refused("delete: missing function", ErrorType.RESOURCE_NOT_FOUND, r -> r.delete("missing", null)),
                refused("delete: primary version of an alias", ErrorType.RESOURCE_CONFLICT,
                        r -> r.delete("hello", "1")),
                refused("delete: additional version of an alias", ErrorType.RESOURCE_CONFLICT,
                        r -> r.delete("hello", "2")),
                refused("createAlias: exists", ErrorType.RESOURCE_CONFLICT,
                        r -> r.createAlias("hello", "live", "2", null, null)),
                refused("createAlias: numeric name", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.createAlias("hello", "42", "1", null, null)),
                refused("createAlias: missing version", ErrorType.RESOURCE_NOT_FOUND,
                        r -> r.createAlias("hello", "new", "9", null, null)),
                refused("createAlias: missing function", ErrorType.RESOURCE_NOT_FOUND,
                        r -> r.createAlias("missing", "new", "1", null, null)),
                refused("createAlias: weight above 1", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.createAlias("hello", "new", "1", null, Map.of("2", 1.01))),
                refused("createAlias: routing to the primary", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.createAlias("hello", "new", "2", null, Map.of("2", 0.1))),
                refused("createAlias: routing from $LATEST", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.createAlias("hello", "new", "$LATEST", null, Map.of("2", 0.1))),
                refused("updateAlias: missing alias", ErrorType.RESOURCE_NOT_FOUND,
                        r -> r.updateAlias("hello", "missing", new AliasUpdate("1", null, null), null)),
                refused("updateAlias: stale revision", ErrorType.PRECONDITION_FAILED,
                        r -> r.updateAlias("hello", "live", new AliasUpdate("2", null, Map.of()), STALE)),
                refused("updateAlias: primary becomes the routed version", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.updateAlias("hello", "live", new AliasUpdate("2", null, null), null)),
                refused("deleteAlias: missing function", ErrorType.RESOURCE_NOT_FOUND,
                        r -> r.deleteAlias("missing", "live")),
                refused("list: MaxItems 0", ErrorType.INVALID_PARAMETER_VALUE, r -> r.list(null, 0, true)),
                refused("listVersions: foreign marker", ErrorType.INVALID_PARAMETER_VALUE,
                        r -> r.listVersions("hello", "***", 10)));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void isRefusedAndChangesNothing(Consumer<FunctionRegistry> request, ErrorType type) {
        RegistryFixture.Snapshot before = fixture.snapshot();

        assertThatThrownBy(() -> request.accept(fixture.registry))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(type));

        assertThat(fixture.snapshot()).isEqualTo(before);
        fixture.reopen();
        assertThat(fixture.snapshot()).isEqualTo(before);
    }

    private static Arguments refused(String what, ErrorType type, Consumer<FunctionRegistry> request) {
        return Arguments.of(named(what, request), type);
    }

    private static FunctionConfig config(String name, int memory, Map<String, String> environment) {
        return new FunctionConfig(name, Runtime.PROVIDED_AL2023, "handler.sh", null, "", 3, memory, environment, 512);
    }

    private static ConfigUpdate update(int memory) {
        return new ConfigUpdate(null, null, null, null, null, memory, null, null);
    }
}
