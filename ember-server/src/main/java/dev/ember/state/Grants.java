package dev.ember.state;

import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.store.Database;
import dev.ember.store.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which functions may use which namespaces besides their own ({@code state_grants}). Asked on every request a
 * function makes, so the grants are held in memory too: loaded on open, changed after each commit. A grant goes
 * with its function: the store's cascade deletes its rows, and {@link #reload} drops them here.
 */
final class Grants {
    private final Database db;
    private final FunctionRegistry registry;
    /** Function name to the namespaces granted to it; absent when it has none. */
    private final Map<String, Set<String>> byFunction = new ConcurrentHashMap<>();
    /**
     * Held across each change's commit and its update of {@link #byFunction}, so that memory changes in the order of
     * the commits. Without it a grant committed before a revoke (or before its function's deletion) could reach memory
     * after the revoke's removal: the memory would allow what the store does not, until a restart.
     */
    private final Object changes = new Object();

    Grants(Database db, FunctionRegistry registry) {
        this.db = db;
        this.registry = registry;
        db.read(c -> {
            try (var select = c.prepareStatement("SELECT function_name, namespace FROM state_grants");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    byFunction.computeIfAbsent(rows.getString(1), f -> ConcurrentHashMap.newKeySet())
                            .add(rows.getString(2));
                }
            }
            return null;
        });
    }

    /** Whether {@code function} may use {@code namespace}: its own, or granted. */
    boolean allows(String function, String namespace) {
        if (function.equals(namespace)) {
            return true;
        }
        Set<String> granted = byFunction.get(function);
        return granted != null && granted.contains(namespace);
    }

    /**
     * Grants {@code namespace} to {@code function}; granting twice is fine.
     *
     * @throws StateError 404 ResourceNotFoundException when there is no such function
     */
    void grant(String namespace, String function) {
        requireFunction(function);
        synchronized (changes) {
            try {
                db.inTransaction(c -> {
                    try (var insert = c.prepareStatement("INSERT INTO state_grants (namespace, function_name)"
                            + " VALUES (?, ?) ON CONFLICT (namespace, function_name) DO NOTHING")) {
                        insert.setString(1, namespace);
                        insert.setString(2, function);
                        return insert.executeUpdate();
                    }
                });
            } catch (StoreException e) {
                if (e.getCause() instanceof SQLException sql && sql.getMessage().contains("FOREIGN KEY")) {
                    throw noSuchFunction(function); // deleted between the check and the insert
                }
                throw e;
            }
            byFunction.computeIfAbsent(function, f -> ConcurrentHashMap.newKeySet()).add(namespace);
        }
    }

    /** Takes the grant back; taking back one that does not exist is fine. */
    void revoke(String namespace, String function) {
        synchronized (changes) {
            db.inTransaction(c -> {
                try (var delete = c.prepareStatement(
                        "DELETE FROM state_grants WHERE namespace = ? AND function_name = ?")) {
                    delete.setString(1, namespace);
                    delete.setString(2, function);
                    return delete.executeUpdate();
                }
            });
            Set<String> granted = byFunction.get(function);
            if (granted != null) {
                granted.remove(namespace);
            }
        }
    }

    /** The functions {@code namespace} is granted to, by name. */
    List<String> functions(String namespace) {
        List<String> functions = new ArrayList<>();
        byFunction.forEach((function, namespaces) -> {
            if (namespaces.contains(namespace)) {
                functions.add(function);
            }
        });
        functions.sort(null);
        return functions;
    }

    /** Every namespace with grants, to the functions granted it, by name. */
    Map<String, Set<String>> all() {
        Map<String, Set<String>> all = new TreeMap<>();
        byFunction.forEach((function, namespaces) -> namespaces.forEach(namespace ->
                all.computeIfAbsent(namespace, n -> new TreeSet<>()).add(function)));
        return all;
    }

    /** Reads {@code function}'s grants again from the store: after it changed or was deleted (the cascade). */
    void reload(String function) {
        synchronized (changes) {
            reloadLocked(function);
        }
    }

    private void reloadLocked(String function) {
        Set<String> stored = db.read(c -> {
            try (var select = c.prepareStatement("SELECT namespace FROM state_grants WHERE function_name = ?")) {
                select.setString(1, function);
                Set<String> namespaces = ConcurrentHashMap.newKeySet();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        namespaces.add(rows.getString(1));
                    }
                }
                return namespaces;
            }
        });
        if (stored.isEmpty()) {
            byFunction.remove(function);
        } else {
            byFunction.put(function, stored);
        }
    }

    private void requireFunction(String function) {
        try {
            registry.get(function, null);
        } catch (LambdaException e) {
            throw noSuchFunction(function);
        }
    }

    private static StateError noSuchFunction(String function) {
        return new StateError(404, "ResourceNotFoundException", "Function not found: %s", function);
    }
}
