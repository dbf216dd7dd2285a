package dev.ember.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the registry acknowledged is what it reads back after a restart. */
class PersistenceTest {
    @TempDir
    Path dataDir;
    RegistryFixture fixture;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        fixture = new RegistryFixture(dataDir);
        FunctionRegistry registry = fixture.registry;
        registry.create(new FunctionConfig("java", Runtime.JAVA25, "example.Hello::handleRequest",
                "arn:aws:iam::123456789012:role/lambda", "says hello", 30, 512, Map.of("GREETING", "hi", "B_2", ""),
                1024), TestZips.hello(), true);
        fixture.clock.advance(Duration.ofMillis(1234));
        registry.updateCode("java", TestZips.hello("v2"), true, null);
        registry.publishVersion("java", null, "same as 2", null);
        registry.createAlias("java", "live", "1", "prod", Map.of("2", 0.125));
        fixture.create("shell");
        FunctionVersion latest = registry.get("java", null);
        FunctionVersion v1 = registry.get("java", "1");
        Alias live = registry.getAlias("java", "live");
        RegistryFixture.Snapshot before = fixture.snapshot();

        fixture.reopen();

        assertThat(fixture.snapshot()).isEqualTo(before);
        assertThat(fixture.registry.get("java", null)).isEqualTo(latest);
        assertThat(fixture.registry.get("java", "1")).isEqualTo(v1);
        assertThat(fixture.registry.get("java", "live")).isEqualTo(v1);
        assertThat(fixture.registry.getAlias("java", "live")).isEqualTo(live);
        assertThat(fixture.registry.get("java", null).code().sha256()).isEqualTo(latest.code().sha256());
        assertThat(fixture.registry.get("java", null).revisionId()).isEqualTo(latest.revisionId());
        // "unchanged since version 2" survived too
        assertThat(fixture.registry.publishVersion("java", null, null, null).version()).isEqualTo("2");
    }

    @Test
    void lastModifiedIsKeptToTheMillisecond() {
        fixture = new RegistryFixture(dataDir);
        fixture.clock.advance(Duration.ofNanos(123_456_789));
        FunctionVersion created = fixture.create("hello");

        fixture.reopen();

        assertThat(created.lastModified()).isEqualTo(RegistryFixture.START.plusMillis(123));
        assertThat(fixture.registry.get("hello", null).lastModified()).isEqualTo(created.lastModified());
    }
}
