package dev.ember.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the registry: every test method gets a {@link RegistryFixture} on a fresh data directory, closed after
 * it. A subclass seeds it in its own {@code @BeforeEach}, which JUnit runs after this one.
 */
abstract class RegistryTestCase {
    @TempDir
    Path dataDir;
    RegistryFixture fixture;
    FunctionRegistry registry;

    @BeforeEach
    final void openFixture() {
        fixture = new RegistryFixture(dataDir);
        registry = fixture.registry;
    }

    @AfterEach
    final void closeFixture() {
        fixture.close();
    }
}
