package dev.ember.registry;

import dev.ember.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The registry's rows (tables {@code functions}, {@code function_versions}, {@code aliases}; see
 * {@code dev.ember.store.Schema}). Writes are differences between two {@link FunctionEntry}s, so each operation only
 * describes the new state and this class decides which rows change.
 */
final class RegistryTables {

    private RegistryTables() {
    }

    /** Every function, as committed. */
    static Map<String, FunctionEntry> load(Connection c) throws SQLException {
        Map<String, FunctionVersion> latest = new HashMap<>();
        Map<String, long[]> counters = new HashMap<>();
        try (var query = c.prepareStatement("SELECT name, config, code_sha256, code_size, revision_id, last_modified,"
                + " next_version, published_version FROM functions");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                String name = rows.getString(1);
                latest.put(name, version(rows, name, FunctionVersion.LATEST));
                counters.put(name, new long[] {rows.getLong(7), rows.getLong(8)});
            }
        }
        Map<String, TreeMap<Long, FunctionVersion>> versions = new HashMap<>();
        try (var query = c.prepareStatement("SELECT function_name, config, code_sha256, code_size, revision_id,"
                + " last_modified, version FROM function_versions");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                String name = rows.getString(1);
                long number = rows.getLong(7);
                versions.computeIfAbsent(name, n -> new TreeMap<>())
                        .put(number, version(rows, name, Long.toString(number)));
            }
        }
        Map<String, TreeMap<String, Alias>> aliases = new HashMap<>();
        try (var query = c.prepareStatement("SELECT function_name, name, function_version, description, routing,"
                + " revision_id FROM aliases");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                Alias alias = new Alias(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        ConfigJson.readRouting(rows.getString(5)), rows.getString(6));
                aliases.computeIfAbsent(alias.functionName(), n -> new TreeMap<>()).put(alias.name(), alias);
            }
        }
        Map<String, FunctionEntry> entries = new HashMap<>();
        latest.forEach((name, version) -> entries.put(name, new FunctionEntry(version,
                versions.getOrDefault(name, new TreeMap<>()), aliases.getOrDefault(name, new TreeMap<>()),
                counters.get(name)[0], counters.get(name)[1])));
        return entries;
    }

    /** Columns 2 to 6 of a function or version row: config, code_sha256, code_size, revision_id, last_modified. */
    private static FunctionVersion version(ResultSet row, String name, String version) throws SQLException {
        return new FunctionVersion(ConfigJson.read(name, row.getString(2)),
                version, new CodeInfo(row.getString(3), row.getLong(4)), row.getString(5),
                Instant.ofEpochMilli(row.getLong(6)));
    }

    /**
     * Writes what changed from {@code before} to {@code after}; null stands for a function that does not exist.
     * Published versions are immutable: they are only inserted or deleted.
     */
    static void apply(Connection c, String name, FunctionEntry before, FunctionEntry after) throws SQLException {
        if (after == null) {
            // Children first: the schema cascades too, but the statements alone say what goes.
            update(c, "DELETE FROM aliases WHERE function_name = ?", name);
            update(c, "DELETE FROM function_versions WHERE function_name = ?", name);
            expectOne(update(c, "DELETE FROM functions WHERE name = ?", name), name);
            return;
        }
        if (before == null) {
            writeFunction(c, after, true);
        } else if (!before.latest().equals(after.latest()) || before.nextVersion() != after.nextVersion()
                || before.publishedVersion() != after.publishedVersion()) {
            writeFunction(c, after, false);
        }
        var versionsBefore = before == null ? Map.<Long, FunctionVersion>of() : before.versions();
        for (var version : versionsBefore.entrySet()) {
            if (!after.versions().containsKey(version.getKey())) {
                expectOne(update(c, "DELETE FROM function_versions WHERE function_name = ? AND version = ?",
                        name, version.getKey()), name);
            }
        }
        for (var version : after.versions().entrySet()) {
            if (!versionsBefore.containsKey(version.getKey())) {
                insertVersion(c, version.getKey(), version.getValue());
            }
        }
        var aliasesBefore = before == null ? Map.<String, Alias>of() : before.aliases();
        for (var alias : aliasesBefore.values()) {
            if (!after.aliases().containsKey(alias.name())) {
                expectOne(update(c, "DELETE FROM aliases WHERE function_name = ? AND name = ?", name, alias.name()),
                        name);
            }
        }
        for (var alias : after.aliases().values()) {
            Alias old = aliasesBefore.get(alias.name());
            if (old == null) {
                expectOne(update(c, "INSERT INTO aliases (function_version, description, routing, revision_id,"
                                + " function_name, name) VALUES (?, ?, ?, ?, ?, ?)", aliasValues(alias)), name);
            } else if (!old.equals(alias)) {
                expectOne(update(c, "UPDATE aliases SET function_version = ?, description = ?, routing = ?,"
                                + " revision_id = ? WHERE function_name = ? AND name = ?", aliasValues(alias)), name);
            }
        }
    }

    private static Object[] aliasValues(Alias alias) {
        return new Object[] {alias.functionVersion(), alias.description(),
                ConfigJson.writeRouting(alias.additionalVersionWeights()), alias.revisionId(), alias.functionName(),
                alias.name()};
    }

    private static void writeFunction(Connection c, FunctionEntry entry, boolean insert) throws SQLException {
        FunctionVersion latest = entry.latest();
        String sql = insert
                ? "INSERT INTO functions (config, code_sha256, code_size, revision_id, last_modified, next_version,"
                        + " published_version, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                : "UPDATE functions SET config = ?, code_sha256 = ?, code_size = ?, revision_id = ?,"
                        + " last_modified = ?, next_version = ?, published_version = ? WHERE name = ?";
        expectOne(update(c, sql, ConfigJson.write(latest.config()), latest.code().sha256(), latest.code().size(),
                latest.revisionId(), latest.lastModified().toEpochMilli(), entry.nextVersion(),
                entry.publishedVersion() == 0 ? null : entry.publishedVersion(), latest.name()), latest.name());
    }

    private static void insertVersion(Connection c, long number, FunctionVersion version) throws SQLException {
        expectOne(update(c, "INSERT INTO function_versions (function_name, version, config, code_sha256, code_size,"
                        + " revision_id, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?)",
                version.name(), number, ConfigJson.write(version.config()), version.code().sha256(),
                version.code().size(), version.revisionId(), version.lastModified().toEpochMilli()), version.name());
    }

    private static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** The in-memory model and the rows must agree; if they do not, stop before committing anything. */
    private static void expectOne(int rows, String name) {
        if (rows != 1) {
            throw new StoreException("the stored rows of function " + Objects.requireNonNull(name)
                    + " do not match the registry's view (" + rows + " rows changed instead of 1)");
        }
    }
}
