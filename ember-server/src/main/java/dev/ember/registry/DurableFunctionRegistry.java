package dev.ember.registry;

import dev.ember.lambda.Arns;
import dev.ember.lambda.LambdaException;
import dev.ember.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The registry over the embedded store: rows in {@link Database}, zips in a {@link CodeStore}, and every function
 * held in memory so that lookups never touch SQLite.
 *
 * <p>How a write goes: check everything that can be checked without state (configuration, package) outside any lock;
 * then, under the registry's write lock, read the function's current {@link FunctionEntry}, check the rules that need
 * it and build the new entry; store the code blob; commit the difference between the two entries in one transaction;
 * swap the new entry into memory; release the lock and tell the listeners. A failure at any step before the commit
 * leaves memory and rows as they were (a blob written for a failed commit stays unreferenced and harmless); writes are
 * applied to memory in commit order because both happen under the one lock.
 */
final class DurableFunctionRegistry implements FunctionRegistry {
    private static final System.Logger LOG = System.getLogger(DurableFunctionRegistry.class.getName());
    static final String REVISION_MISMATCH = "The Revision Id provided does not match the latest Revision Id. "
            + "Call the GetFunction/GetAlias API to retrieve the latest Revision Id";

    private final Database db;
    private final CodeStore codeStore;
    private final Arns arns;
    private final InstantSource clock;
    private final ConcurrentSkipListMap<String, FunctionEntry> functions;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private DurableFunctionRegistry(Database db, CodeStore codeStore, Arns arns, InstantSource clock,
                                    Map<String, FunctionEntry> functions) {
        this.db = db;
        this.codeStore = codeStore;
        this.arns = arns;
        this.clock = clock;
        this.functions = new ConcurrentSkipListMap<>(functions);
    }

    static FunctionRegistry open(Database db, Path codeDir, Arns arns, InstantSource clock) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(codeDir, "codeDir");
        Objects.requireNonNull(arns, "arns");
        Objects.requireNonNull(clock, "clock");
        CodeStore codeStore = CodeStore.open(codeDir);
        return new DurableFunctionRegistry(db, codeStore, arns, clock, db.read(RegistryTables::load));
    }

    @Override
    public FunctionVersion create(FunctionConfig config, byte[] zipFile, boolean publish) {
        FunctionConfig checked = ConfigurationRules.forCreate(config, arns);
        DeploymentPackage deploymentPackage = DeploymentPackage.validate(zipFile);
        return write(checked.name(), before -> {
            if (before != null) {
                throw LambdaException.conflict("Function already exist: %s", checked.name());
            }
            Instant now = now();
            FunctionEntry created = FunctionEntry.created(
                    new FunctionVersion(checked, FunctionVersion.LATEST, deploymentPackage.code(), newRevision(), now));
            if (!publish) {
                return new Change<>(created, deploymentPackage, created.latest());
            }
            FunctionEntry.Published published = created.publish(null, newRevision(), newRevision(), now);
            return new Change<>(published.entry(), deploymentPackage, published.version());
        });
    }

    @Override
    public FunctionVersion get(String name, String qualifier) {
        Objects.requireNonNull(name, "name");
        String q = qualifier == null || qualifier.isEmpty() ? null : qualifier;
        FunctionEntry entry = functions.get(name);
        FunctionVersion version = entry == null ? null : entry.resolve(q);
        if (version == null) {
            throw LambdaException.notFound("Function not found: %s", arns.function(name, q));
        }
        return version;
    }

    @Override
    public Page<FunctionVersion> list(String marker, int maxItems, boolean allVersions) {
        String startName = Pagination.functionNameOf(marker);
        var entries = startName == null ? functions.values() : functions.tailMap(startName, true).values();
        Stream<FunctionVersion> versions = entries.stream().flatMap(entry -> allVersions
                ? Stream.concat(Stream.of(entry.latest()), entry.versions().values().stream())
                : Stream.of(entry.latest()));
        return Pagination.page(versions, Pagination::functionKey, marker, maxItems);
    }

    @Override
    public FunctionVersion updateCode(String name, byte[] zipFile, boolean publish, String expectedRevisionId) {
        DeploymentPackage deploymentPackage = DeploymentPackage.validate(zipFile);
        return write(name, before -> {
            FunctionEntry entry = existing(before, name, null);
            checkRevision(expectedRevisionId, entry.latest().revisionId());
            Instant now = now();
            FunctionEntry updated = entry.withLatest(new FunctionVersion(entry.latest().config(),
                    FunctionVersion.LATEST, deploymentPackage.code(), newRevision(), now));
            if (!publish) {
                return new Change<>(updated, deploymentPackage, updated.latest());
            }
            FunctionEntry.Published published = updated.publish(null, newRevision(), newRevision(), now);
            return new Change<>(published.entry(), deploymentPackage, published.version());
        });
    }

    @Override
    public FunctionVersion updateConfiguration(String name, ConfigUpdate update, String expectedRevisionId) {
        Objects.requireNonNull(update, "update");
        return write(name, before -> {
            FunctionEntry entry = existing(before, name, null);
            checkRevision(expectedRevisionId, entry.latest().revisionId());
            FunctionConfig config = ConfigurationRules.check(update.applyTo(entry.latest().config()), arns);
            FunctionEntry updated = entry.withLatest(new FunctionVersion(config, FunctionVersion.LATEST,
                    entry.latest().code(), newRevision(), now()));
            return new Change<>(updated, null, updated.latest());
        });
    }

    @Override
    public void delete(String name, String qualifier) {
        if (qualifier == null || qualifier.isEmpty()) {
            write(name, before -> {
                existing(before, name, null);
                return new Change<>(null, null, null);
            });
            return;
        }
        if (FunctionVersion.LATEST.equals(qualifier)) {
            throw LambdaException.invalid("$LATEST version cannot be deleted without deleting the function.");
        }
        long number = FunctionEntry.versionNumber(qualifier);
        if (number == 0) {
            throw LambdaException.invalid("Qualifier '%s' is not a version number: DeleteFunction deletes a published "
                    + "version, or the whole function without a Qualifier; delete an alias with DeleteAlias",
                    qualifier);
        }
        write(name, before -> {
            FunctionEntry entry = existing(before, name, qualifier);
            if (!entry.versions().containsKey(number)) {
                throw LambdaException.notFound("Function not found: %s", arns.function(name, qualifier));
            }
            List<String> referencing = entry.aliases().values().stream()
                    .filter(alias -> alias.functionVersion().equals(qualifier)
                            || alias.additionalVersionWeights().containsKey(qualifier))
                    .map(Alias::name)
                    .toList();
            if (!referencing.isEmpty()) {
                throw LambdaException.conflict("Unable to delete version because the following aliases reference "
                        + "it: %s", referencing);
            }
            return new Change<>(entry.withoutVersion(number), null, null);
        });
    }

    @Override
    public FunctionVersion publishVersion(String name, String expectedCodeSha256, String description,
                                          String expectedRevisionId) {
        ConfigurationRules.checkDescription(description);
        return write(name, before -> {
            FunctionEntry entry = existing(before, name, null);
            checkRevision(expectedRevisionId, entry.latest().revisionId());
            String current = entry.latest().code().sha256();
            if (expectedCodeSha256 != null && !expectedCodeSha256.equals(current)) {
                throw LambdaException.preconditionFailed("CodeSHA256 (%s) is different from current CodeSHA256 in "
                        + "$LATEST (%s). Please try again with the current CodeSHA256.", expectedCodeSha256, current);
            }
            FunctionEntry.Published published = entry.publish(description, newRevision(), newRevision(), now());
            return new Change<>(published.entry(), null, published.version());
        });
    }

    @Override
    public Page<FunctionVersion> listVersions(String name, String marker, int maxItems) {
        FunctionEntry entry = existing(functions.get(name), name, null);
        return Pagination.page(Stream.concat(Stream.of(entry.latest()), entry.versions().values().stream()),
                Pagination::versionKey, marker, maxItems);
    }

    @Override
    public Alias createAlias(String functionName, String aliasName, String functionVersion, String description,
                             Map<String, Double> additionalVersionWeights) {
        AliasRules.check(aliasName, functionVersion, description, additionalVersionWeights);
        Map<String, Double> weights = additionalVersionWeights == null ? Map.of() : additionalVersionWeights;
        return write(functionName, before -> {
            FunctionEntry entry = existing(before, functionName, null);
            if (entry.aliases().containsKey(aliasName)) {
                throw LambdaException.conflict("Alias already exists: %s", arns.function(functionName, aliasName));
            }
            AliasRules.checkTargets(entry, arns, functionVersion, weights);
            Alias alias = new Alias(functionName, aliasName, functionVersion, description, weights, newRevision());
            return new Change<>(entry.withAlias(alias), null, alias);
        });
    }

    @Override
    public Alias getAlias(String functionName, String aliasName) {
        return existingAlias(existing(functions.get(functionName), functionName, null), aliasName);
    }

    @Override
    public Alias updateAlias(String functionName, String aliasName, AliasUpdate update, String expectedRevisionId) {
        Objects.requireNonNull(update, "update");
        return write(functionName, before -> {
            FunctionEntry entry = existing(before, functionName, null);
            Alias current = existingAlias(entry, aliasName);
            checkRevision(expectedRevisionId, current.revisionId());
            String version = Objects.requireNonNullElse(update.functionVersion(), current.functionVersion());
            String description = Objects.requireNonNullElse(update.description(), current.description());
            Map<String, Double> weights = Objects.requireNonNullElse(update.additionalVersionWeights(),
                    current.additionalVersionWeights());
            AliasRules.check(aliasName, version, description, weights);
            AliasRules.checkTargets(entry, arns, version, weights);
            Alias alias = new Alias(functionName, aliasName, version, description, weights, newRevision());
            return new Change<>(entry.withAlias(alias), null, alias);
        });
    }

    @Override
    public void deleteAlias(String functionName, String aliasName) {
        write(functionName, before -> {
            FunctionEntry entry = existing(before, functionName, null);
            return new Change<>(entry.aliases().containsKey(aliasName) ? entry.withoutAlias(aliasName) : entry,
                    null, null);
        });
    }

    @Override
    public Page<Alias> listAliases(String functionName, String functionVersion, String marker, int maxItems) {
        FunctionEntry entry = existing(functions.get(functionName), functionName, null);
        Stream<Alias> aliases = entry.aliases().values().stream().filter(alias -> functionVersion == null
                || alias.functionVersion().equals(functionVersion)
                || alias.additionalVersionWeights().containsKey(functionVersion));
        return Pagination.page(aliases, Alias::name, marker, maxItems);
    }

    @Override
    public Path codeArchive(CodeInfo code) {
        return codeStore.archive(code);
    }

    @Override
    public Path codeDirectory(CodeInfo code) {
        return codeStore.directory(code);
    }

    @Override
    public void addListener(RegistryListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Refuses further writes. The database belongs to the caller and stays open. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            closed = true;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * What one write does to a function.
     *
     * @param after  the function's new state; null when it is deleted; the very same entry when nothing changes
     * @param code   a package to store before committing, or null
     * @param result what the operation returns
     */
    private record Change<T>(FunctionEntry after, DeploymentPackage code, T result) {
    }

    private <T> T write(String name, Function<FunctionEntry, Change<T>> operation) {
        Objects.requireNonNull(name, "name");
        Change<T> change;
        boolean deleted;
        writeLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the function registry is closed");
            }
            FunctionEntry before = functions.get(name);
            change = operation.apply(before);
            FunctionEntry after = change.after();
            if (after == before) {
                return change.result();
            }
            if (change.code() != null) {
                codeStore.store(change.code());
            }
            db.inTransaction(c -> {
                RegistryTables.apply(c, name, before, after);
                return null;
            });
            if (after == null) {
                functions.remove(name);
            } else {
                functions.put(name, after);
            }
            deleted = after == null || (before != null && after.versions().size() < before.versions().size());
        } finally {
            writeLock.unlock();
        }
        for (RegistryListener listener : listeners) {
            try {
                listener.functionChanged(name, deleted);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "registry listener " + listener + " failed for " + name, e);
            }
        }
        return change.result();
    }

    private FunctionEntry existing(FunctionEntry entry, String name, String qualifier) {
        if (entry == null) {
            throw LambdaException.notFound("Function not found: %s", arns.function(name, qualifier));
        }
        return entry;
    }

    private Alias existingAlias(FunctionEntry entry, String aliasName) {
        Alias alias = aliasName == null ? null : entry.aliases().get(aliasName);
        if (alias == null) {
            throw LambdaException.notFound("Alias not found: %s", arns.function(entry.latest().name(), aliasName));
        }
        return alias;
    }

    private static void checkRevision(String expected, String actual) {
        if (expected != null && !expected.equals(actual)) {
            throw LambdaException.preconditionFailed(REVISION_MISMATCH);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String newRevision() {
        return UUID.randomUUID().toString();
    }
}
