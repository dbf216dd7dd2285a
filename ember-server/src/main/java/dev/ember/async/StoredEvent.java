package dev.ember.async;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * An Event invocation as {@code async_events} holds it, and the SQL that reads and writes that table.
 *
 * @param payload    the event's JSON; null when loaded without it
 * @param lastResult the last failed attempt ({@link Attempt#toJson()}), or null
 */
record StoredEvent(String id, String function, String qualifier, String payload, String clientContext,
                   long enqueuedAt, int attempts, int functionErrors, long nextAttemptAt, String lastResult) {

    void insert(Connection c) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO async_events (id, function_name, qualifier, "
                + "payload, client_context, enqueued_at, attempts, function_errors, next_attempt_at, last_result) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, function);
            insert.setString(3, qualifier);
            insert.setString(4, payload);
            setNullable(insert, 5, clientContext);
            insert.setLong(6, enqueuedAt);
            insert.setInt(7, attempts);
            insert.setInt(8, functionErrors);
            insert.setLong(9, nextAttemptAt);
            setNullable(insert, 10, lastResult);
            insert.executeUpdate();
        }
    }

    /** Every event, without payloads, oldest first: what a starting server delivers. */
    static List<StoredEvent> loadAll(Connection c) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, function_name, qualifier, enqueued_at, "
                + "attempts, function_errors, next_attempt_at, last_result FROM async_events ORDER BY enqueued_at, id");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                events.add(new StoredEvent(rs.getString(1), rs.getString(2), rs.getString(3), null, null,
                        rs.getLong(4), rs.getInt(5), rs.getInt(6), rs.getLong(7), rs.getString(8)));
            }
        }
        return events;
    }

    /** The payload and client context of event {@code id}, or null when it is gone. */
    static String[] payload(Connection c, String id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT payload, client_context FROM async_events WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
            }
        }
    }

    /** Records a failed attempt and when the next one is due. */
    static void retryLater(Connection c, String id, int attempts, int functionErrors, long nextAttemptAt,
                           String lastResult) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE async_events SET attempts = ?, "
                + "function_errors = ?, next_attempt_at = ?, last_result = ? WHERE id = ?")) {
            update.setInt(1, attempts);
            update.setInt(2, functionErrors);
            update.setLong(3, nextAttemptAt);
            setNullable(update, 4, lastResult);
            update.setString(5, id);
            update.executeUpdate();
        }
    }

    static void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM async_events WHERE id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
    }

    /** Deletes every event of a deleted function; returns how many there were. */
    static int deleteFunction(Connection c, String function) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM async_events WHERE function_name = ?")) {
            delete.setString(1, function);
            return delete.executeUpdate();
        }
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
