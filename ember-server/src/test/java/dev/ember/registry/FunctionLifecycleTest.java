package dev.ember.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** CreateFunction, GetFunction, UpdateFunctionCode/Configuration, PublishVersion and DeleteFunction as on AWS. */
class FunctionLifecycleTest extends RegistryTestCase {
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:";

    @Test
    void createStoresLatestWithDefaultsAndCode() {
        byte[] zip = TestZips.hello();

        FunctionVersion created = registry.create(RegistryFixture.config("hello"), zip, false);

        assertThat(created.version()).isEqualTo("$LATEST");
        assertThat(created.config().role()).isEqualTo("arn:aws:iam::000000000000:role/ember-default");
        assertThat(created.config().memoryMb()).isEqualTo(128);
        assertThat(created.config().timeoutSeconds()).isEqualTo(3);
        assertThat(created.code()).isEqualTo(DeploymentPackage.validate(zip).code());
        assertThat(created.revisionId()).isNotBlank();
        assertThat(created.lastModified()).isEqualTo(RegistryFixture.START);
        assertThat(registry.get("hello", null)).isEqualTo(created);
        assertThat(registry.get("hello", "$LATEST")).isEqualTo(created);
        assertThat(registry.codeArchive(created.code())).hasBinaryContent(zip);
    }

    @Test
    void createWithPublishReturnsVersion1() {
        FunctionVersion version = registry.create(RegistryFixture.config("hello"), TestZips.hello(), true);

        assertThat(version.version()).isEqualTo("1");
        assertThat(registry.get("hello", "1")).isEqualTo(version);
        assertThat(version.code()).isEqualTo(registry.get("hello", null).code());
        assertThat(version.revisionId()).isNotEqualTo(registry.get("hello", null).revisionId());
    }

    @Test
    void createRefusesAnExistingName() {
        fixture.create("hello");

        assertThatThrownBy(() -> fixture.create("hello"))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_CONFLICT);
                    assertThat(e.getMessage()).isEqualTo("Function already exist: hello");
                });
    }

    @Test
    void notFoundNamesTheFunctionArnWithItsQualifier() {
        fixture.create("hello");

        assertNotFound(() -> registry.get("missing", null), "Function not found: " + ARN + "missing");
        assertNotFound(() -> registry.get("hello", "7"), "Function not found: " + ARN + "hello:7");
        assertNotFound(() -> registry.get("hello", "nope"), "Function not found: " + ARN + "hello:nope");
        assertNotFound(() -> registry.get("missing", "$LATEST"), "Function not found: " + ARN + "missing:$LATEST");
        assertNotFound(() -> registry.updateCode("missing", TestZips.hello(), false, null),
                "Function not found: " + ARN + "missing");
        assertNotFound(() -> registry.delete("hello", "3"), "Function not found: " + ARN + "hello:3");
    }

    @Test
    void everyWriteGetsAFreshRevisionIdAndUpdatesLastModified() {
        FunctionVersion created = fixture.create("hello");
        fixture.clock.advance(Duration.ofSeconds(5));

        FunctionVersion configured = registry.updateConfiguration("hello",
                new ConfigUpdate(null, null, null, "now described", 10, 256, Map.of("GREETING", "hi"), null),
                created.revisionId());
        FunctionVersion recoded = registry.updateCode("hello", TestZips.hello("v2"), false, configured.revisionId());

        assertThat(configured.revisionId()).isNotEqualTo(created.revisionId());
        assertThat(recoded.revisionId()).isNotEqualTo(configured.revisionId());
        assertThat(configured.lastModified()).isEqualTo(RegistryFixture.START.plusSeconds(5));
        assertThat(configured.config().description()).isEqualTo("now described");
        assertThat(configured.config().memoryMb()).isEqualTo(256);
        assertThat(configured.config().handler()).isEqualTo("handler.sh");
        assertThat(recoded.config()).isEqualTo(configured.config());
        assertThat(recoded.code()).isNotEqualTo(created.code());
        assertThat(registry.get("hello", null)).isEqualTo(recoded);
    }

    @Test
    void anEmptyEnvironmentRemovesEveryVariable() {
        registry.create(new FunctionConfig("hello", Runtime.JAVA25, "example.Hello::handleRequest", null, "", 3, 128,
                Map.of("A1", "x"), 512), TestZips.hello(), false);

        FunctionVersion updated = registry.updateConfiguration("hello",
                new ConfigUpdate(null, null, null, null, null, null, Map.of(), null), null);

        assertThat(updated.config().environment()).isEmpty();
    }

    @Test
    void aStaleRevisionIdIsAPreconditionFailure() {
        FunctionVersion created = fixture.create("hello");
        registry.updateConfiguration("hello", new ConfigUpdate(null, null, null, "x", null, null, null, null), null);
        String stale = created.revisionId();
        String message = "The Revision Id provided does not match the latest Revision Id. "
                + "Call the GetFunction/GetAlias API to retrieve the latest Revision Id";

        assertPreconditionFailed(() -> registry.updateCode("hello", TestZips.hello("v2"), false, stale), message);
        assertPreconditionFailed(() -> registry.updateConfiguration("hello",
                new ConfigUpdate(null, null, null, "y", null, null, null, null), stale), message);
        assertPreconditionFailed(() -> registry.publishVersion("hello", null, null, stale), message);
    }

    @Test
    void publishCopiesLatestAndNumbersVersionsFromOne() {
        FunctionVersion latest = fixture.create("hello");
        fixture.clock.advance(Duration.ofMinutes(1));

        FunctionVersion v1 = registry.publishVersion("hello", latest.code().sha256(), null, latest.revisionId());

        assertThat(v1.version()).isEqualTo("1");
        assertThat(v1.config()).isEqualTo(latest.config());
        assertThat(v1.code()).isEqualTo(latest.code());
        assertThat(v1.revisionId()).isNotEqualTo(latest.revisionId());
        assertThat(v1.lastModified()).isEqualTo(RegistryFixture.START.plus(Duration.ofMinutes(1)));
        // Publishing is a write of the function: $LATEST gets a new RevisionId, but keeps its LastModified.
        FunctionVersion latestAfter = registry.get("hello", null);
        assertThat(latestAfter.revisionId()).isNotEqualTo(latest.revisionId());
        assertThat(latestAfter.lastModified()).isEqualTo(latest.lastModified());
    }

    @Test
    void publishReturnsTheNewestVersionWhenNothingChanged() {
        fixture.create("hello");
        FunctionVersion v1 = registry.publishVersion("hello", null, null, null);
        String latestRevision = registry.get("hello", null).revisionId();

        FunctionVersion again = registry.publishVersion("hello", null, "another description", null);

        assertThat(again).isEqualTo(v1);
        assertThat(registry.get("hello", null).revisionId()).isEqualTo(latestRevision);
        assertThat(versions("hello")).containsExactly("$LATEST", "1");
    }

    @Test
    void publishAfterAChangeCreatesTheNextVersion() {
        fixture.create("hello");
        registry.publishVersion("hello", null, null, null);
        registry.updateConfiguration("hello", new ConfigUpdate(null, null, null, null, 30, null, null, null), null);

        FunctionVersion v2 = registry.publishVersion("hello", null, null, null);

        assertThat(v2.version()).isEqualTo("2");
        assertThat(v2.config().timeoutSeconds()).isEqualTo(30);
        assertThat(registry.get("hello", "1").config().timeoutSeconds()).isEqualTo(3);
    }

    @Test
    void reuploadingTheSameCodeIsNoChangeForPublishing() {
        fixture.create("hello");
        FunctionVersion v1 = registry.publishVersion("hello", null, null, null);

        FunctionVersion published = registry.updateCode("hello", TestZips.hello(), true, null);

        assertThat(published).isEqualTo(v1);
    }

    @Test
    void updateCodeWithPublishReturnsTheNewVersion() {
        fixture.create("hello");

        FunctionVersion v1 = registry.updateCode("hello", TestZips.hello("v2"), true, null);

        assertThat(v1.version()).isEqualTo("1");
        assertThat(v1.code()).isEqualTo(registry.get("hello", null).code());
    }

    @Test
    void publishOverridesTheDescriptionOfTheVersionOnly() {
        fixture.create("hello");

        FunctionVersion v1 = registry.publishVersion("hello", null, "release 1", null);

        assertThat(v1.config().description()).isEqualTo("release 1");
        assertThat(registry.get("hello", null).config().description()).isEmpty();
    }

    @Test
    void publishWithAnotherCodeSha256IsAPreconditionFailureNamingBoth() {
        FunctionVersion latest = fixture.create("hello");

        assertPreconditionFailed(() -> registry.publishVersion("hello", "c29tZXRoaW5nIGVsc2U=", null, null),
                "CodeSHA256 (c29tZXRoaW5nIGVsc2U=) is different from current CodeSHA256 in $LATEST ("
                        + latest.code().sha256() + ")");
    }

    @Test
    void versionNumbersAreNeverReused() {
        fixture.create("hello");
        registry.publishVersion("hello", null, null, null);
        registry.updateCode("hello", TestZips.hello("v2"), false, null);
        registry.publishVersion("hello", null, null, null);

        registry.delete("hello", "2");
        registry.delete("hello", "1");
        registry.updateCode("hello", TestZips.hello("v3"), false, null);
        FunctionVersion next = registry.publishVersion("hello", null, null, null);

        assertThat(next.version()).isEqualTo("3");
        fixture.reopen();
        fixture.registry.updateCode("hello", TestZips.hello("v4"), false, null);
        assertThat(fixture.registry.publishVersion("hello", null, null, null).version()).isEqualTo("4");
    }

    @Test
    void deletingTheVersionLatestEqualsLetsTheNextPublishCreateOne() {
        fixture.create("hello");
        registry.publishVersion("hello", null, null, null);
        registry.delete("hello", "1");

        assertThat(registry.publishVersion("hello", null, null, null).version()).isEqualTo("2");
    }

    @Test
    void deletingLatestAloneIsRefused() {
        fixture.create("hello");

        assertThatThrownBy(() -> registry.delete("hello", "$LATEST"))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.INVALID_PARAMETER_VALUE);
                    assertThat(e.getMessage()).isEqualTo(
                            "$LATEST version cannot be deleted without deleting the function.");
                });
    }

    @Test
    void deletingAVersionAnAliasUsesIsAConflict() {
        fixture.create("hello");
        registry.publishVersion("hello", null, null, null);
        registry.updateCode("hello", TestZips.hello("v2"), true, null);
        registry.createAlias("hello", "live", "1", null, Map.of("2", 0.1));

        for (String version : List.of("1", "2")) {
            assertThatThrownBy(() -> registry.delete("hello", version))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_CONFLICT);
                        assertThat(e.getMessage()).contains("aliases reference it: [live]");
                    });
        }
    }

    @Test
    void deletingTheFunctionDeletesItsVersionsAndAliases() {
        fixture.create("hello");
        registry.publishVersion("hello", null, null, null);
        registry.createAlias("hello", "live", "1", null, null);

        registry.delete("hello", null);

        assertNotFound(() -> registry.get("hello", null), "Function not found: " + ARN + "hello");
        assertNotFound(() -> registry.get("hello", "1"), "Function not found: " + ARN + "hello:1");
        assertNotFound(() -> registry.getAlias("hello", "live"), "Function not found: " + ARN + "hello");
        assertThat(fixture.snapshot().rows()).noneMatch(row -> row.contains("hello"));
        // A new function of the same name starts again at version 1, as on AWS.
        fixture.create("hello");
        assertThat(registry.publishVersion("hello", null, null, null).version()).isEqualTo("1");
    }

    @Test
    void listenersAreToldAfterCommitOutsideTheLock() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        registry.addListener((name, deleted) -> {
            // The change is visible, and another thread can write: no registry lock is held here.
            assertThat(registry.list(null, 100, false).items()).isNotNull();
            Thread other = Thread.ofVirtual().start(() -> {
                try {
                    registry.deleteAlias("hello", "nothing");
                } catch (LambdaException expectedOnceDeleted) {
                    // the function is gone after the last write; the lock was still taken and released
                }
            });
            try {
                other.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            events.add(name + ":" + deleted + ":" + other.isAlive());
        });

        fixture.create("hello");
        registry.publishVersion("hello", null, null, null);
        registry.publishVersion("hello", null, null, null);
        registry.createAlias("hello", "live", "1", null, null);
        registry.deleteAlias("hello", "live");
        registry.updateCode("hello", TestZips.hello("v2"), true, null);
        registry.delete("hello", "2");
        registry.delete("hello", null);

        // the unchanged publish wrote nothing, so told nobody
        assertThat(events).containsExactly("hello:false:false", "hello:false:false", "hello:false:false",
                "hello:false:false", "hello:false:false", "hello:true:false", "hello:true:false");
    }

    @Test
    void aFailingListenerDoesNotFailTheWrite() {
        registry.addListener((name, deleted) -> {
            throw new IllegalStateException("listener bug");
        });

        fixture.create("hello");

        assertThat(registry.get("hello", null)).isNotNull();
    }

    private List<String> versions(String name) {
        return registry.listVersions(name, null, 100).items().stream().map(FunctionVersion::version).toList();
    }

    static void assertNotFound(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static void assertPreconditionFailed(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.PRECONDITION_FAILED);
            assertThat(e.getMessage()).startsWith(message);
        });
    }
}
