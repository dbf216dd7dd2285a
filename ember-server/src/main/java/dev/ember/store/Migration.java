package dev.ember.store;

import java.util.List;
import java.util.Objects;

/**
 * One step of the schema: applied once, in order, in its own transaction together with its row in
 * {@code schema_version}. Never edit a released step; append a new one.
 *
 * @param version     1, 2, 3, ... without gaps
 * @param description what the step does, stored in {@code schema_version}
 * @param statements  the SQL statements, each portable to PostgreSQL
 */
record Migration(int version, String description, List<String> statements) {
    Migration {
        Objects.requireNonNull(description, "description");
        statements = List.copyOf(statements);
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
    }
}
