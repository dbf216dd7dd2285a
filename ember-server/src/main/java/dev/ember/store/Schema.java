package dev.ember.store;

import java.util.List;

/**
 * Every table of the embedded store, as the ordered steps that build it. A feature that needs a table appends a
 * {@link Migration}; released steps never change, so a data directory of any earlier Ember opens and upgrades.
 *
 * <p>The SQL is kept to what SQLite and PostgreSQL both accept: {@code VARCHAR(n)}, {@code TEXT}, {@code BIGINT},
 * {@code INTEGER}, composite primary keys and {@code REFERENCES ... ON DELETE CASCADE}; times are epoch milliseconds
 * in {@code BIGINT}; no {@code AUTOINCREMENT}, {@code WITHOUT ROWID} or type-less columns.
 */
final class Schema {

    /**
     * The function registry. A function's configuration is one JSON text column ({@code config}) rather than a
     * column per field: AWS keeps adding fields to FunctionConfiguration (layers, VPC, tracing, SnapStart, ...) and
     * a published version must copy all of them; with JSON a new field is a change of the codec, not a migration of
     * two tables, and nothing queries by a configuration field. What the registry does look up by (name, version,
     * code, revision) are real columns.
     *
     * <p>{@code functions.next_version} is the number the next published version gets: it only grows, so a number is
     * never reused after its version is deleted. {@code functions.published_version} is the version whose code and
     * configuration equal {@code $LATEST}'s, or null: PublishVersion returns it instead of publishing a copy.
     */
    private static final Migration REGISTRY = new Migration(1, "function registry", List.of(
            """
            CREATE TABLE functions (
                name              VARCHAR(64)  NOT NULL PRIMARY KEY,
                config            TEXT         NOT NULL,
                code_sha256       VARCHAR(44)  NOT NULL,
                code_size         BIGINT       NOT NULL,
                revision_id       VARCHAR(36)  NOT NULL,
                last_modified     BIGINT       NOT NULL,
                next_version      BIGINT       NOT NULL,
                published_version BIGINT
            )""",
            """
            CREATE TABLE function_versions (
                function_name VARCHAR(64) NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
                version       BIGINT      NOT NULL,
                config        TEXT        NOT NULL,
                code_sha256   VARCHAR(44) NOT NULL,
                code_size     BIGINT      NOT NULL,
                revision_id   VARCHAR(36) NOT NULL,
                last_modified BIGINT      NOT NULL,
                PRIMARY KEY (function_name, version)
            )""",
            """
            CREATE TABLE aliases (
                function_name    VARCHAR(64)  NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
                name             VARCHAR(128) NOT NULL,
                function_version VARCHAR(20)  NOT NULL,
                description      VARCHAR(256) NOT NULL,
                routing          TEXT         NOT NULL,
                revision_id      VARCHAR(36)  NOT NULL,
                PRIMARY KEY (function_name, name)
            )"""));

    /**
     * Reserved concurrency per function (PutFunctionConcurrency). A table of its own rather than a column of
     * {@code functions}: it is not part of a function's configuration (not versioned, not in RevisionId), and a row
     * exists only for functions that have a reservation. Removed with the function by the server, not by a cascade.
     */
    private static final Migration CONCURRENCY = new Migration(2, "reserved concurrency", List.of(
            """
            CREATE TABLE function_concurrency (
                function_name VARCHAR(64) NOT NULL PRIMARY KEY,
                reserved      INTEGER     NOT NULL
            )"""));

    /**
     * Provisioned concurrency per published version or alias (PutProvisionedConcurrencyConfig). What is allocated is
     * not stored: a server starts the environments again from these rows.
     */
    private static final Migration PROVISIONED = new Migration(3, "provisioned concurrency", List.of(
            """
            CREATE TABLE provisioned_concurrency (
                function_name VARCHAR(64)  NOT NULL,
                qualifier     VARCHAR(128) NOT NULL,
                requested     INTEGER      NOT NULL,
                last_modified BIGINT       NOT NULL,
                PRIMARY KEY (function_name, qualifier)
            )"""));

    /**
     * Asynchronous invocation. {@code async_events} holds every Event invocation acknowledged and not yet finished
     * (a row is written and fsync'd before the 202, and deleted in the same transaction that writes its success or
     * failure record): what a restarted server delivers again. {@code attempts} are the invocations that ended,
     * {@code function_errors} those that failed in the function (the retries it has used up), {@code last_result} the
     * last failure as a JSON document (for the failure record). The payload is the event's JSON as text.
     *
     * <p>{@code event_invoke_configs} are PutFunctionEventInvokeConfig's settings per function and qualifier.
     * {@code queues} and {@code queue_messages} are Ember's built-in queues (dead letters and destinations);
     * {@code queue_messages.event} is the original event of a record Ember wrote, what a redrive sends again.
     */
    private static final Migration ASYNC = new Migration(4, "asynchronous invocation", List.of(
            """
            CREATE TABLE async_events (
                id              VARCHAR(36)  NOT NULL PRIMARY KEY,
                function_name   VARCHAR(64)  NOT NULL,
                qualifier       VARCHAR(128) NOT NULL,
                payload         TEXT         NOT NULL,
                client_context  TEXT,
                enqueued_at     BIGINT       NOT NULL,
                attempts        INTEGER      NOT NULL,
                function_errors INTEGER      NOT NULL,
                next_attempt_at BIGINT       NOT NULL,
                last_result     TEXT
            )""",
            "CREATE INDEX async_events_by_function ON async_events (function_name)",
            """
            CREATE TABLE event_invoke_configs (
                function_name      VARCHAR(64)  NOT NULL,
                qualifier          VARCHAR(128) NOT NULL,
                max_retry_attempts INTEGER      NOT NULL,
                max_event_age      INTEGER      NOT NULL,
                on_success         VARCHAR(256),
                on_failure         VARCHAR(256),
                last_modified      BIGINT       NOT NULL,
                PRIMARY KEY (function_name, qualifier)
            )""",
            """
            CREATE TABLE queues (
                name       VARCHAR(80) NOT NULL PRIMARY KEY,
                created_at BIGINT      NOT NULL
            )""",
            """
            CREATE TABLE queue_messages (
                queue_name VARCHAR(80) NOT NULL REFERENCES queues (name) ON DELETE CASCADE,
                id         VARCHAR(36) NOT NULL,
                sent_at    BIGINT      NOT NULL,
                body       TEXT        NOT NULL,
                attributes TEXT        NOT NULL,
                event      TEXT,
                PRIMARY KEY (queue_name, id)
            )""",
            "CREATE INDEX queue_messages_by_time ON queue_messages (queue_name, sent_at)"));

    /**
     * Function URLs (CreateFunctionUrlConfig), one per function and qualifier ({@code $LATEST} or an alias);
     * {@code url_id} is what an HTTP request names. {@code cors} is AWS's {@code Cors} object as JSON, or null.
     */
    private static final Migration FUNCTION_URLS = new Migration(5, "function URLs", List.of(
            """
            CREATE TABLE function_urls (
                function_name VARCHAR(64)  NOT NULL,
                qualifier     VARCHAR(128) NOT NULL,
                url_id        VARCHAR(32)  NOT NULL UNIQUE,
                auth_type     VARCHAR(16)  NOT NULL,
                cors          TEXT,
                invoke_mode   VARCHAR(16)  NOT NULL,
                created       BIGINT       NOT NULL,
                last_modified BIGINT       NOT NULL,
                PRIMARY KEY (function_name, qualifier)
            )"""));

    /**
     * EventBridge scheduled rules and their targets. {@code last_fire} is the scheduled time of the last fire
     * delivered (null before the first): what a restarted server counts the next fire from, and how it sees a fire
     * it missed while down. {@code created} anchors a rate.
     */
    private static final Migration SCHEDULES = new Migration(6, "schedules", List.of(
            """
            CREATE TABLE schedule_rules (
                name        VARCHAR(64)  NOT NULL PRIMARY KEY,
                expression  VARCHAR(256) NOT NULL,
                state       VARCHAR(16)  NOT NULL,
                description VARCHAR(512) NOT NULL,
                created     BIGINT       NOT NULL,
                last_fire   BIGINT
            )""",
            """
            CREATE TABLE schedule_targets (
                rule_name VARCHAR(64)  NOT NULL REFERENCES schedule_rules (name) ON DELETE CASCADE,
                id        VARCHAR(64)  NOT NULL,
                arn       VARCHAR(256) NOT NULL,
                input     TEXT,
                PRIMARY KEY (rule_name, id)
            )"""));

    /**
     * Durable state of functions. {@code state_entries} holds every key of every namespace; {@code value} is the JSON
     * document as the function sent it (validated); {@code expires_at} is null without a TTL. Keys sort in the byte
     * order of their UTF-8, which SQLite's BINARY collation of TEXT is (PostgreSQL needs {@code COLLATE "C"}).
     * {@code state_sequence} is the last version given to any write, in one row: versions never repeat for a key, also
     * after it was deleted and the server restarted. {@code state_grants} lets a function use a namespace other than
     * its own; a grant goes with its function (the cascade), not with the namespace's data.
     */
    private static final Migration STATE = new Migration(7, "durable state", List.of(
            """
            CREATE TABLE state_entries (
                namespace  VARCHAR(140) NOT NULL,
                entry_key  TEXT         NOT NULL,
                value      TEXT         NOT NULL,
                version    BIGINT       NOT NULL,
                expires_at BIGINT,
                PRIMARY KEY (namespace, entry_key)
            )""",
            "CREATE INDEX state_entries_by_expiry ON state_entries (expires_at) WHERE expires_at IS NOT NULL",
            """
            CREATE TABLE state_sequence (
                id           INTEGER NOT NULL PRIMARY KEY,
                last_version BIGINT  NOT NULL
            )""",
            "INSERT INTO state_sequence (id, last_version) VALUES (1, 0)",
            """
            CREATE TABLE state_grants (
                namespace     VARCHAR(140) NOT NULL,
                function_name VARCHAR(64)  NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
                PRIMARY KEY (namespace, function_name)
            )""",
            "CREATE INDEX state_grants_by_function ON state_grants (function_name)"));

    /** All steps, in the order they are applied. */
    static final List<Migration> MIGRATIONS = List.of(REGISTRY, CONCURRENCY, PROVISIONED, ASYNC, FUNCTION_URLS,
            SCHEDULES, STATE);

    private Schema() {
    }
}
