package dev.ember.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.lambda.Arns;
import dev.ember.policy.ScalingPolicy;
import dev.ember.registry.ConfigUpdate;
import dev.ember.registry.FunctionConfig;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.sandbox.Isolation;
import dev.ember.registry.Runtime;
import dev.ember.store.Database;
import dev.ember.testing.Bootstraps;
import dev.ember.testing.EmberTestServer;
import dev.ember.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keep-alive of idle environments, on an injected clock, with real runtime processes. */
class WarmPoolTest {
    @TempDir
    Path dir;
    final TestClock clock = new TestClock(Instant.parse("2026-11-25T12:00:00Z"));
    Database database;
    FunctionRegistry registry;
    Isolation isolation;
    EnvironmentFactory factory;
    WarmPool pool;

    @BeforeEach
    void setUp() {
        database = Database.open(dir);
        registry = FunctionRegistry.open(database, dir.resolve("code"), Arns.defaults(), clock);
        isolation = Isolation.forHost(dir.resolve("sandbox"));
        factory = new EnvironmentFactory(registry, Arns.defaults(), isolation, dir.resolve("run"),
                dir.resolve("runtime"));
        pool = new WarmPool(ScalingPolicy.fixed(Duration.ofMinutes(10).toMillis()), clock);
    }

    @AfterEach
    void tearDown() {
        pool.close();
        isolation.close();
        registry.close();
        database.close();
    }

    private FunctionVersion deploy() {
        var config = new FunctionConfig("echo", Runtime.PROVIDED_AL2023, "none", null, null, 3, 128, Map.of(), 512);
        return registry.create(config, EmberTestServer.zipBytes(Map.of("bootstrap", Bootstraps.ECHO)), false);
    }

    private ExecutionEnvironment ready(FunctionVersion version) throws InterruptedException {
        ExecutionEnvironment environment = factory.start(version, line -> { }, false, () -> { });
        assertThat(environment.awaitReady(Duration.ofSeconds(30))).isNull();
        return environment;
    }

    @Test
    void idleEnvironmentIsKeptForItsKeepAliveThenEvicted() throws InterruptedException {
        FunctionVersion version = deploy();
        ExecutionEnvironment environment = ready(version);
        pool.put(environment);

        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(pool.evictExpired()).isZero();
        assertThat(pool.take(version)).isSameAs(environment);
        pool.put(environment);

        clock.advance(Duration.ofMinutes(10));
        assertThat(pool.evictExpired()).isOne();
        assertThat(environment.isUsable()).isFalse();
        assertThat(pool.take(version)).isNull();
    }

    @Test
    void environmentsOfChangedCodeAreNeverHandedOutAgain() throws InterruptedException {
        FunctionVersion original = deploy();
        pool.put(ready(original));

        FunctionVersion changed = registry.updateConfiguration("echo",
                new ConfigUpdate(null, null, null, "changed", null, null, null, null), null);

        assertThat(pool.take(changed)).isNull();
        assertThat(pool.evictStale("echo", v -> !v.revisionId().equals(changed.revisionId()))).isOne();
        assertThat(pool.idleCount()).isZero();
    }
}
