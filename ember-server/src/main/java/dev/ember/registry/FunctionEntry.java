package dev.ember.registry;

import java.time.Instant;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Everything the registry knows about one function, immutable: the in-memory read model. A write builds a new entry
 * from the old one, commits the difference, then swaps the entry in.
 *
 * @param latest           {@code $LATEST}
 * @param versions         published versions by number
 * @param aliases          aliases by name
 * @param nextVersion      the number the next published version gets; only grows
 * @param publishedVersion the published version whose code and configuration equal {@code $LATEST}'s, or 0
 */
record FunctionEntry(FunctionVersion latest, NavigableMap<Long, FunctionVersion> versions,
                     NavigableMap<String, Alias> aliases, long nextVersion, long publishedVersion) {

    FunctionEntry {
        versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
        aliases = Collections.unmodifiableNavigableMap(new TreeMap<>(aliases));
    }

    static FunctionEntry created(FunctionVersion latest) {
        return new FunctionEntry(latest, new TreeMap<>(), new TreeMap<>(), 1, 0);
    }

    /**
     * A published version or {@code $LATEST} by its qualifier, or null. Version numbers are canonical: {@code 07}
     * names nothing.
     */
    FunctionVersion version(String qualifier) {
        if (qualifier == null || FunctionVersion.LATEST.equals(qualifier)) {
            return latest;
        }
        long number = versionNumber(qualifier);
        return number > 0 ? versions.get(number) : null;
    }

    /** What a qualifier names: {@code $LATEST}, a version, or an alias's primary version; null when nothing. */
    FunctionVersion resolve(String qualifier) {
        FunctionVersion version = version(qualifier);
        if (version != null) {
            return version;
        }
        Alias alias = aliases.get(qualifier);
        return alias == null ? null : version(alias.functionVersion());
    }

    /** {@code $LATEST} replaced; the link to an identical published version survives only if nothing changed. */
    FunctionEntry withLatest(FunctionVersion newLatest) {
        boolean unchanged = newLatest.config().equals(latest.config()) && newLatest.code().equals(latest.code());
        return new FunctionEntry(newLatest, versions, aliases, nextVersion, unchanged ? publishedVersion : 0);
    }

    /** A publication: the new entry and the version PublishVersion returns. */
    record Published(FunctionEntry entry, FunctionVersion version) {
    }

    /**
     * Publishes {@code $LATEST} as the next version, or returns the published version it still equals.
     *
     * @param description     the version's description, or null for {@code $LATEST}'s
     * @param versionRevision the new version's RevisionId
     * @param latestRevision  {@code $LATEST}'s new RevisionId (publishing is a write of the function)
     */
    Published publish(String description, String versionRevision, String latestRevision, Instant now) {
        if (publishedVersion != 0) {
            return new Published(this, versions.get(publishedVersion));
        }
        FunctionConfig config = latest.config();
        if (description != null) {
            config = new FunctionConfig(config.name(), config.runtime(), config.handler(), config.role(), description,
                    config.timeoutSeconds(), config.memoryMb(), config.environment(), config.ephemeralStorageMb(),
                    config.deadLetterTargetArn());
        }
        FunctionVersion version = new FunctionVersion(config, Long.toString(nextVersion), latest.code(),
                versionRevision, now);
        NavigableMap<Long, FunctionVersion> newVersions = new TreeMap<>(versions);
        newVersions.put(nextVersion, version);
        FunctionVersion newLatest = new FunctionVersion(latest.config(), FunctionVersion.LATEST, latest.code(),
                latestRevision, latest.lastModified());
        return new Published(new FunctionEntry(newLatest, newVersions, aliases, nextVersion + 1, nextVersion),
                version);
    }

    FunctionEntry withoutVersion(long number) {
        NavigableMap<Long, FunctionVersion> newVersions = new TreeMap<>(versions);
        newVersions.remove(number);
        return new FunctionEntry(latest, newVersions, aliases, nextVersion,
                publishedVersion == number ? 0 : publishedVersion);
    }

    FunctionEntry withAlias(Alias alias) {
        NavigableMap<String, Alias> newAliases = new TreeMap<>(aliases);
        newAliases.put(alias.name(), alias);
        return new FunctionEntry(latest, versions, newAliases, nextVersion, publishedVersion);
    }

    FunctionEntry withoutAlias(String name) {
        NavigableMap<String, Alias> newAliases = new TreeMap<>(aliases);
        newAliases.remove(name);
        return new FunctionEntry(latest, versions, newAliases, nextVersion, publishedVersion);
    }

    /** The number a canonical version string names, or 0 when it is not one ({@code $LATEST}, an alias, {@code 07}). */
    static long versionNumber(String qualifier) {
        if (qualifier == null || qualifier.isEmpty() || qualifier.length() > 18 || qualifier.charAt(0) == '0') {
            return 0;
        }
        for (int i = 0; i < qualifier.length(); i++) {
            if (qualifier.charAt(i) < '0' || qualifier.charAt(i) > '9') {
                return 0;
            }
        }
        return Long.parseLong(qualifier);
    }
}
