package dev.ember.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.lambda.Arns;
import dev.ember.lambda.LambdaException;
import dev.ember.store.Database;
import dev.ember.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ember's built-in queues: where dead letters and destination records go when no AWS service is there to take them.
 * A queue is named by an SQS-shaped ARN ({@link Arns#queue}) and comes into being when a configuration names it.
 * Messages stay until they are redriven ({@link AsyncInvocations#redrive}); they are in the embedded store, so they
 * survive restarts.
 *
 * <p>Thread-safe: every method is one read or write of the store.
 */
public final class Queues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final Arns arns;

    /**
     * A queue and what it holds.
     *
     * @param oldest when its oldest message was sent, or null when it is empty
     */
    public record QueueInfo(String name, String arn, int messages, Instant oldest, Instant created) {
    }

    /**
     * A message.
     *
     * @param id         its id, unique in its queue
     * @param sentAt     when Ember sent it
     * @param body       a destination record, or the event itself (dead letters)
     * @param attributes what a dead-letter message says of the failure: {@code RequestID}, {@code ErrorCode},
     *                   {@code ErrorMessage}; empty for destination records
     * @param event      the event the failed or finished invocation had, what a redrive invokes again
     */
    public record Message(String id, Instant sentAt, String body, Map<String, String> attributes, String event) {
    }

    Queues(Database db, Arns arns) {
        this.db = db;
        this.arns = arns;
    }

    /** Every queue, by name. */
    public List<QueueInfo> list() {
        return db.read(c -> {
            List<QueueInfo> queues = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT q.name, q.created_at, COUNT(m.id), "
                    + "MIN(m.sent_at) FROM queues q LEFT JOIN queue_messages m ON m.queue_name = q.name "
                    + "GROUP BY q.name, q.created_at ORDER BY q.name");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    queues.add(info(rs));
                }
            }
            return queues;
        });
    }

    /**
     * One queue.
     *
     * @throws LambdaException ResourceNotFoundException when there is no such queue
     */
    public QueueInfo get(String name) {
        QueueInfo found = db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT q.name, q.created_at, COUNT(m.id), "
                    + "MIN(m.sent_at) FROM queues q LEFT JOIN queue_messages m ON m.queue_name = q.name "
                    + "WHERE q.name = ? GROUP BY q.name, q.created_at")) {
                select.setString(1, name);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? info(rs) : null;
                }
            }
        });
        if (found == null) {
            throw LambdaException.notFound("Queue not found: %s (queues come into being when a dead-letter or "
                    + "destination configuration names them)", arns.queue(name));
        }
        return found;
    }

    /**
     * The oldest {@code max} messages of a queue, oldest first.
     *
     * @throws LambdaException ResourceNotFoundException when there is no such queue
     */
    public List<Message> messages(String name, int max) {
        get(name);
        return db.read(c -> oldest(c, name, max));
    }

    private QueueInfo info(ResultSet rs) throws SQLException {
        long oldest = rs.getLong(4);
        return new QueueInfo(rs.getString(1), arns.queue(rs.getString(1)), rs.getInt(3),
                rs.wasNull() ? null : Instant.ofEpochMilli(oldest), Instant.ofEpochMilli(rs.getLong(2)));
    }

    static List<Message> oldest(Connection c, String queue, int max) throws SQLException {
        return oldest(c, queue, max, Long.MAX_VALUE);
    }

    /** The oldest {@code max} messages sent at or before {@code sentBy} (epoch ms). */
    static List<Message> oldest(Connection c, String queue, int max, long sentBy) throws SQLException {
        List<Message> messages = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, sent_at, body, attributes, event "
                + "FROM queue_messages WHERE queue_name = ? AND sent_at <= ? ORDER BY sent_at, id LIMIT ?")) {
            select.setString(1, queue);
            select.setLong(2, sentBy);
            select.setInt(3, max);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    messages.add(new Message(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            readAttributes(rs.getString(4)), rs.getString(5)));
                }
            }
        }
        return messages;
    }

    /** Creates the queue in the transaction of {@code c} unless it exists. */
    static void ensure(Connection c, String queue, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO queues (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
            insert.setString(1, queue);
            insert.setLong(2, now.toEpochMilli());
            insert.executeUpdate();
        }
    }

    /** Puts {@code message} on {@code queue} (created if need be) in the transaction of {@code c}. */
    static void send(Connection c, String queue, Message message) throws SQLException {
        ensure(c, queue, message.sentAt());
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO queue_messages "
                + "(queue_name, id, sent_at, body, attributes, event) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, queue);
            insert.setString(2, message.id());
            insert.setLong(3, message.sentAt().toEpochMilli());
            insert.setString(4, message.body());
            insert.setString(5, writeAttributes(message.attributes()));
            insert.setString(6, message.event());
            insert.executeUpdate();
        }
    }

    /** Takes a message off a queue; returns whether it was there (a concurrent redrive may have taken it). */
    static boolean delete(Connection c, String queue, String id) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM queue_messages WHERE queue_name = ? AND id = ?")) {
            delete.setString(1, queue);
            delete.setString(2, id);
            return delete.executeUpdate() == 1;
        }
    }

    private static String writeAttributes(Map<String, String> attributes) {
        try {
            return JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> readAttributes(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new StoreException("stored queue message attributes are unreadable: " + json, e);
        }
    }
}
