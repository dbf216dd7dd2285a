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
    /** The qualifier of the mutable version, as Lambda spells it. */
    public static final String LATEST = "$LATEST";

    /** The function's name. */
    public String name() {
        return config.name();
    }

    /** Whether this is {@code $LATEST} rather than a published version. */
    public boolean isLatest() {
        return LATEST.equals(version);
    }
}
