package dev.ember.registry;

import java.time.Instant;

/**
 * One version of a function: {@code $LATEST} (mutable) or a published, immutable number.
 *
 * @param config       the configuration of this version
 * @param version      {@code $LATEST} or the version number as a string
 * @param code         the deployment package
 * @param revisionId   changes on every write of this version (or, for {@code $LATEST}, of the function)
 * @param lastModified when this version was last written
 */
public record FunctionVersion(FunctionConfig config, String version, CodeInfo code, String revisionId,
                              Instant lastModified) {
    public static final String LATEST = "$LATEST";

    public String name() {
        return config.name();
    }

    public boolean isLatest() {
        return LATEST.equals(version);
    }
}
