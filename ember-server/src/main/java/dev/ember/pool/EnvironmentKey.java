package dev.ember.pool;

import dev.ember.registry.FunctionConfig;
import dev.ember.registry.FunctionVersion;

/**
 * What makes two function versions runnable by the same environment: same function and version, same code, same
 * configuration. Publishing a version or editing an alias changes none of these, so warm environments survive them;
 * new code or configuration for {@code $LATEST} does, so old environments are never handed out again.
 */
public record EnvironmentKey(String functionName, String version, String codeSha256, FunctionConfig config) {

    public static EnvironmentKey of(FunctionVersion version) {
        return new EnvironmentKey(version.name(), version.version(), version.code().sha256(), version.config());
    }

    /** {@code name:version}, what keep-alive policies learn from. */
    public String functionKey() {
        return functionName + ':' + version;
    }
}
