package dev.ember.async;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ember.invoke.ConcurrencyControls;
import dev.ember.invoke.InvocationResult;
import dev.ember.invoke.InvokeRequest;
import dev.ember.invoke.Invoker;
import dev.ember.lambda.Arns;
import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.store.Database;
import dev.ember.store.GroupCommit;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lambda's asynchronous invocation ({@code X-Amz-Invocation-Type: Event}), crash-safe: an event is durable in the
 * embedded store before it is acknowledged, and leaves the store only in the transaction that records how it ended
 * (its success or failure record, its dead letter). A server killed at any moment delivers, when it starts again,
 * every event it had not finished: at least once, never lost.
 *
 * <p>Delivery goes through the normal invocation path ({@link Invoker#invoke}): the same concurrency limits, the same
 * environments. Function errors are retried {@code MaximumRetryAttempts} times, throttles and platform errors with
 * backoff until {@code MaximumEventAgeInSeconds} ({@link Retries}); the configurations are {@link #configs()}'s. What
 * ends goes to the configured destination (another function or a built-in {@link #queues() queue}) and, when it
 * failed, to the function's dead-letter queue.
 *
 * <p>The backlog is bounded per function and in total ({@link Limits}): beyond it an Event invocation is refused
 * with a 429 rather than queued without end.
 *
 * <p>Thread-safe. One dispatcher thread hands due events to virtual threads, at most
 * {@link Limits#runningPerFunction()} of a function at once (fewer when its reserved concurrency is lower).
 */
public final class AsyncInvocations implements AutoCloseable {
    /** The throttle {@code Reason} when the asynchronous backlog is full. */
    public static final String BACKLOG_FULL = "EmberAsyncBacklogFull";

    private static final System.Logger LOG = System.getLogger(AsyncInvocations.class.getName());
    /** How often the dispatcher looks at the clock while events wait for a later time: the injected clock may jump. */
    private static final long POLL_MILLIS = 100;
    private static final long IDLE_MILLIS = 1000;
    private static final int REDRIVE_BATCH = 100;
    private static final int MAX_ERROR_MESSAGE = 1024;
    private static final Comparator<Pending> DUE_ORDER =
            Comparator.comparingLong((Pending p) -> p.dueAt).thenComparingLong(p -> p.seq);

    /**
     * How much the asynchronous queue holds and runs.
     *
     * @param backlogPerFunction events of one function queued or running, at most
     * @param backlogTotal       events of all functions, at most
     * @param runningPerFunction events of one function delivered at once, at most
     */
    public record Limits(int backlogPerFunction, int backlogTotal, int runningPerFunction) {
        public Limits {
            if (backlogPerFunction < 1 || backlogTotal < 1 || runningPerFunction < 1) {
                throw new IllegalArgumentException("asynchronous limits must be at least 1, were " + backlogPerFunction
                        + ", " + backlogTotal + ", " + runningPerFunction);
            }
        }

        /** 100,000 events per function, 1,000,000 in all, 10 running per function. */
        public static Limits defaults() {
            return new Limits(100_000, 1_000_000, 10);
        }
    }

    /**
     * The asynchronous backlog of one function, and what became of its events since the server started.
     *
     * @param backlog        events queued or running
     * @param running        events being delivered now
     * @param oldest         when the oldest event was enqueued, or null when there is none
     * @param waitingToRetry events that failed or were throttled and wait for their next attempt
     * @param retries        retries after function errors scheduled since the server started
     * @param throttles      retries after throttles or platform errors since the server started
     * @param succeeded      events that succeeded since the server started
     * @param failed         events that failed for good or expired, sent to a destination or dead-letter queue
     * @param discarded      events that ended with nowhere to go (failed without destination, function gone)
     * @param limits         the limits the backlog is held to
     * @param totalBacklog   events queued or running, of all functions
     */
    public record Stats(int backlog, int running, Instant oldest, int waitingToRetry, long retries, long throttles,
                        long succeeded, long failed, long discarded, Limits limits, int totalBacklog) {
    }

    /**
     * What a redrive did.
     *
     * @param moved messages turned into events of the function and taken off the queue
     * @param left  messages still on the queue (the function's backlog was full)
     */
    public record Redrive(int moved, int left) {
    }

    /** An event the server holds; guarded by {@link #lock}, except while its delivery thread owns it. */
    private static final class Pending {
        final String id;
        final String function;
        final String qualifier;
        final long enqueuedAt;
        final long seq;
        int attempts;
        int functionErrors;
        int throttles;
        long dueAt;
        String lastResult;
        String lastThrottle;

        Pending(StoredEvent event, long seq) {
            this.id = event.id();
            this.function = event.function();
            this.qualifier = event.qualifier();
            this.enqueuedAt = event.enqueuedAt();
            this.seq = seq;
            this.attempts = event.attempts();
            this.functionErrors = event.functionErrors();
            this.dueAt = event.nextAttemptAt();
            this.lastResult = event.lastResult();
        }
    }

    /** One function's events: by id in arrival order (all of them), and those waiting, by due time. */
    private static final class Backlog {
        final Map<String, Pending> events = new LinkedHashMap<>();
        final TreeSet<Pending> waiting = new TreeSet<>(DUE_ORDER);
        int reserved;
        int running;
        long retries;
        long throttles;
        long succeeded;
        long failed;
        long discarded;

        int size() {
            return events.size() + reserved;
        }
    }

    private final Database db;
    private final FunctionRegistry registry;
    private final Invoker invoker;
    private final ConcurrencyControls concurrency;
    private final Arns arns;
    private final InstantSource clock;
    private final Limits limits;
    private final EventInvokeConfigs configs;
    private final Queues queues;
    private final GroupCommit commit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Backlog> backlogs = new HashMap<>();
    private final Thread dispatcher;
    private int total;
    private int running;
    private long nextSeq;
    private long passes;
    private volatile boolean closed;

    private AsyncInvocations(Database db, FunctionRegistry registry, Invoker invoker, ConcurrencyControls concurrency,
                             Arns arns, InstantSource clock, Limits limits) {
        this.db = db;
        this.registry = registry;
        this.invoker = invoker;
        this.concurrency = concurrency;
        this.arns = arns;
        this.clock = clock;
        this.limits = limits;
        this.configs = new EventInvokeConfigs(db, registry, arns, clock);
        this.queues = new Queues(db, arns);
        this.commit = new GroupCommit(db, "async",
                () -> LambdaException.of(ErrorType.SERVICE, "Ember is shutting down"));
        List<StoredEvent> stored = db.read(StoredEvent::loadAll);
        lock.lock();
        try {
            stored.forEach(this::admit);
        } finally {
            lock.unlock();
        }
        if (!stored.isEmpty()) {
            LOG.log(Level.INFO, "Delivering {0} asynchronous event(s) an earlier server acknowledged and had not "
                    + "finished", stored.size());
        }
        this.dispatcher = Thread.ofPlatform().daemon().name("ember-async-dispatcher").start(this::dispatch);
    }

    /**
     * Starts delivering the events stored in {@code db}, and accepting new ones.
     *
     * @param concurrency the account limit bounds the events running at once
     */
    public static AsyncInvocations start(Database db, FunctionRegistry registry, Invoker invoker,
                                         ConcurrencyControls concurrency, Arns arns, InstantSource clock,
                                         Limits limits) {
        var async = new AsyncInvocations(db, registry, invoker, concurrency, arns, clock, limits);
        registry.addListener(async::functionChanged);
        // A server killed between a function's deletion and the listener's clean-up left its events behind.
        List<String> functions;
        async.lock.lock();
        try {
            functions = new ArrayList<>(async.backlogs.keySet());
        } finally {
            async.lock.unlock();
        }
        functions.stream().filter(function -> !exists(registry, function)).forEach(async::dropFunction);
        return async;
    }

    /** The asynchronous invocation configurations (retries, maximum age, destinations). */
    public EventInvokeConfigs configs() {
        return configs;
    }

    /** The built-in queues. */
    public Queues queues() {
        return queues;
    }

    /**
     * Accepts an Event invocation; returns once it is durable in the store.
     *
     * @param requestId the invocation's id, which every attempt and record carries
     * @param qualifier {@code $LATEST}, a version, an alias, or null for {@code $LATEST}
     * @param payload   the event, JSON
     * @throws LambdaException ResourceNotFoundException for an unknown function or qualifier; TooManyRequestsException
     *                         (reason {@link #BACKLOG_FULL}) when the function's or the server's backlog is full
     */
    public void enqueue(String requestId, String function, String qualifier, byte[] payload, String clientContext) {
        String q = qualifier == null ? FunctionVersion.LATEST : qualifier;
        registry.get(function, q);
        long now = clock.millis();
        var event = new StoredEvent(requestId, function, q, new String(payload, StandardCharsets.UTF_8),
                clientContext, now, 0, 0, now, null);
        reserve(function);
        try {
            commit.write(event::insert);
        } catch (RuntimeException | Error e) {
            unreserve(function);
            throw e;
        }
        lock.lock();
        try {
            backlog(function).reserved--;
            total--;
            admit(event);
        } finally {
            lock.unlock();
        }
    }

    /** Holds a place in the backlog for an event about to be written. */
    private void reserve(String function) {
        lock.lock();
        try {
            if (closed) {
                throw LambdaException.of(ErrorType.SERVICE, "Ember is shutting down");
            }
            Backlog backlog = backlog(function);
            if (backlog.size() >= limits.backlogPerFunction()) {
                throw LambdaException.throttled(BACKLOG_FULL, 1, ("Rate Exceeded. The asynchronous backlog of %s "
                        + "holds %d events, its limit; retry when its events have been delivered")
                        .formatted(function, backlog.size()));
            }
            if (total >= limits.backlogTotal()) {
                throw LambdaException.throttled(BACKLOG_FULL, 1, ("Rate Exceeded. Ember's asynchronous backlog "
                        + "holds %d events of all functions, its limit; retry when events have been delivered")
                        .formatted(total));
            }
            backlog.reserved++;
            total++;
        } finally {
            lock.unlock();
        }
    }

    private void unreserve(String function) {
        unreserve(function, 1);
    }

    private void unreserve(String function, int count) {
        lock.lock();
        try {
            backlog(function).reserved -= count;
            total -= count;
        } finally {
            lock.unlock();
        }
    }

    /** Adds a durable event to the backlog; the lock is held. */
    private void admit(StoredEvent event) {
        var pending = new Pending(event, nextSeq++);
        Backlog backlog = backlog(event.function());
        backlog.events.put(pending.id, pending);
        backlog.waiting.add(pending);
        total++;
        changed.signalAll();
    }

    private void admitAll(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            events.forEach(this::admit);
        } finally {
            lock.unlock();
        }
    }

    private Backlog backlog(String function) {
        return backlogs.computeIfAbsent(function, f -> new Backlog());
    }

    /** What the backlog of {@code function} holds and what became of its events. */
    public Stats stats(String function) {
        registry.get(function, null);
        lock.lock();
        try {
            Backlog backlog = backlogs.get(function);
            if (backlog == null) {
                return new Stats(0, 0, null, 0, 0, 0, 0, 0, 0, limits, total);
            }
            Pending oldest = backlog.events.isEmpty() ? null : backlog.events.values().iterator().next();
            int waitingToRetry = (int) backlog.waiting.stream()
                    .filter(p -> p.attempts > 0 || p.throttles > 0).count();
            return new Stats(backlog.size(), backlog.running,
                    oldest == null ? null : Instant.ofEpochMilli(oldest.enqueuedAt), waitingToRetry, backlog.retries,
                    backlog.throttles, backlog.succeeded, backlog.failed, backlog.discarded, limits, total);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the messages of a built-in queue to {@code function} as Event invocations, oldest first, taking each off
     * the queue in the transaction that enqueues it. A message Ember wrote for a failed event (a dead letter or a
     * failure record) invokes the event again; any other message is itself the event.
     *
     * @throws LambdaException ResourceNotFoundException for an unknown queue, function or qualifier
     */
    public Redrive redrive(String queue, String function, String qualifier) {
        String q = qualifier == null ? FunctionVersion.LATEST : qualifier;
        registry.get(function, q);
        queues.get(queue);
        // Only what is there now: a queue the function's own failures feed would otherwise never run dry.
        long sentBy = clock.millis();
        int moved = 0;
        while (true) {
            List<Queues.Message> batch = db.read(c -> Queues.oldest(c, queue, REDRIVE_BATCH, sentBy));
            if (batch.isEmpty()) {
                return new Redrive(moved, queues.get(queue).messages());
            }
            List<StoredEvent> events = new ArrayList<>();
            List<Queues.Message> taken = new ArrayList<>();
            try {
                for (Queues.Message message : batch) {
                    reserve(function);
                    long now = clock.millis();
                    events.add(new StoredEvent(UUID.randomUUID().toString(), function, q,
                            message.event() != null ? message.event() : message.body(), null, now, 0, 0, now, null));
                    taken.add(message);
                }
            } catch (LambdaException full) {
                if (full.type() != ErrorType.TOO_MANY_REQUESTS) {
                    unreserve(function, events.size());
                    throw full;
                }
                if (taken.isEmpty()) {
                    return new Redrive(moved, queues.get(queue).messages());
                }
            }
            // A message another redrive took meanwhile is not sent twice: only one delete finds it.
            boolean[] sent = new boolean[events.size()];
            try {
                commit.write(c -> {
                    for (int i = 0; i < events.size(); i++) {
                        sent[i] = Queues.delete(c, queue, taken.get(i).id());
                        if (sent[i]) {
                            events.get(i).insert(c);
                        }
                    }
                });
            } catch (RuntimeException | Error e) {
                unreserve(function, events.size());
                throw e;
            }
            List<StoredEvent> admitted = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (sent[i]) {
                    admitted.add(events.get(i));
                }
            }
            lock.lock();
            try {
                Backlog backlog = backlog(function);
                backlog.reserved -= events.size();
                total -= events.size();
                admitted.forEach(this::admit);
            } finally {
                lock.unlock();
            }
            moved += admitted.size();
            if (taken.size() < batch.size()) {
                return new Redrive(moved, queues.get(queue).messages());
            }
        }
    }

    private void dispatch() {
        lock.lock();
        try {
            while (!closed) {
                long wait = IDLE_MILLIS;
                try {
                    wait = dispatchDue();
                } catch (RuntimeException | Error e) {
                    // The dispatcher must outlive anything one pass meets: without it nothing is delivered.
                    LOG.log(Level.ERROR, "Dispatching asynchronous events failed; trying again", e);
                }
                changed.await(wait, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts every due event there is room for; the lock is held. Functions take turns in being first, so one with a
     * deep backlog cannot keep the others from the account's concurrency.
     *
     * @return how long to wait before the next pass, unless woken
     */
    private long dispatchDue() {
        long now = clock.millis();
        long nextDue = Long.MAX_VALUE;
        List<String> functions = new ArrayList<>(backlogs.keySet());
        int first = functions.isEmpty() ? 0 : (int) (passes++ % functions.size());
        for (int f = 0; f < functions.size(); f++) {
            String function = functions.get((first + f) % functions.size());
            Backlog backlog = backlogs.get(function);
            int limit = runningLimit(function);
            while (!backlog.waiting.isEmpty() && backlog.running < limit && running < concurrency.accountLimit()) {
                Pending next = backlog.waiting.first();
                if (next.dueAt > now) {
                    nextDue = Math.min(nextDue, next.dueAt);
                    break;
                }
                backlog.waiting.pollFirst();
                backlog.running++;
                running++;
                try {
                    Thread.ofVirtual().name("async-" + next.function).start(() -> deliver(next));
                } catch (RuntimeException | Error e) {
                    backlog.running--;
                    running--;
                    backlog.waiting.add(next);
                    throw e;
                }
            }
        }
        return nextDue == Long.MAX_VALUE ? IDLE_MILLIS : Math.clamp(nextDue - now, 1, POLL_MILLIS);
    }

    /** Events of {@code function} delivered at once: the limit, or its reserved concurrency when lower (at least 1). */
    private int runningLimit(String function) {
        OptionalInt reserved = concurrency.reserved(function);
        return reserved.isPresent() ? Math.max(1, Math.min(reserved.getAsInt(), limits.runningPerFunction()))
                : limits.runningPerFunction();
    }

    /** How an attempt left an event: what {@link #settle} does with it and counts. */
    private enum Outcome {
        /** Failed in the function; waits for its retry. */
        RETRY,
        /** Throttled or failed in the platform; waits for its backoff. */
        THROTTLED,
        SUCCEEDED,
        /** Failed for good or expired, with its record or dead letter written. */
        FAILED,
        /** Ended with nowhere to go. */
        DISCARDED,
        /** Gone from the store meanwhile (its function was deleted). */
        GONE,
        /** The server is closing: left in the store as it is, for the next server. */
        LEFT
    }

    /** One attempt of {@code event}, and what follows from it; the event's thread owns it until it is settled. */
    private void deliver(Pending event) {
        Outcome outcome = Outcome.LEFT;
        try {
            outcome = attempt(event);
        } catch (RuntimeException | Error e) {
            if (!closed) {
                LOG.log(Level.WARNING, "Delivering asynchronous event " + event.id + " of " + event.function
                        + " failed; retrying it later", e);
                event.throttles++;
                event.dueAt = clock.millis() + Retries.afterThrottle(event.throttles).toMillis();
                outcome = Outcome.THROTTLED;
            }
        } finally {
            settle(event, outcome);
        }
    }

    private Outcome attempt(Pending event) {
        EventInvokeConfig config = configs.find(event.function, event.qualifier);
        String[] stored = db.read(c -> StoredEvent.payload(c, event.id));
        if (stored == null) {
            return Outcome.GONE; // deleted with its function
        }
        String payload = stored[0];
        if (Retries.expired(event.enqueuedAt, clock.millis(), config.maximumEventAgeSeconds())) {
            return fail(event, config, DestinationRecord.EVENT_AGE_EXCEEDED, payload);
        }
        InvocationResult result;
        try {
            result = invoker.invoke(new InvokeRequest(event.id, event.function, event.qualifier,
                    payload.getBytes(StandardCharsets.UTF_8), false, stored[1]));
        } catch (LambdaException e) {
            if (closed) {
                return Outcome.LEFT;
            }
            return switch (e.type()) {
                case RESOURCE_NOT_FOUND -> discard(event, e.getMessage());
                // A retry can help: the platform was busy or failed.
                case TOO_MANY_REQUESTS, SERVICE ->
                        throttled(event, config, payload, e.type().wireName() + ": " + e.getMessage());
                // The event itself is refused: no retry would change that.
                default -> {
                    event.lastResult = refused(e).toJson();
                    yield fail(event, config, DestinationRecord.RETRIES_EXHAUSTED, payload);
                }
            };
        }
        if (closed) {
            return Outcome.LEFT; // it ran, but only the next server records that: at least once
        }
        return switch (result) {
            case InvocationResult.Success success -> succeed(event, config, payload, Attempt.of(success));
            case InvocationResult.Throttled throttle -> throttled(event, config, payload, throttle.reason());
            default -> functionFailed(event, config, payload, Attempt.of(result));
        };
    }

    /** A refusal of the Invoke API as the failed attempt a record and dead letter report. */
    private static Attempt refused(LambdaException e) {
        var error = JsonNodeFactory.instance.objectNode()
                .put("errorType", e.type().wireName()).put("errorMessage", e.getMessage());
        return new Attempt(e.type().status(), null, null, e.type().wireName(), error.toString());
    }

    private Outcome functionFailed(Pending event, EventInvokeConfig config, String payload, Attempt attempt) {
        event.attempts++;
        event.functionErrors++;
        event.throttles = 0;
        event.lastResult = attempt.toJson();
        if (event.functionErrors > config.maximumRetryAttempts()) {
            return fail(event, config, DestinationRecord.RETRIES_EXHAUSTED, payload);
        }
        long due = clock.millis() + Retries.afterFunctionError(event.functionErrors).toMillis();
        if (Retries.expired(event.enqueuedAt, due, config.maximumEventAgeSeconds())) {
            return fail(event, config, DestinationRecord.EVENT_AGE_EXCEEDED, payload);
        }
        int attempts = event.attempts;
        int errors = event.functionErrors;
        String last = event.lastResult;
        commit.write(c -> {
            StoredEvent.retryLater(c, event.id, attempts, errors, due, last);
        });
        event.dueAt = due;
        return Outcome.RETRY;
    }

    /** A throttle or platform error: back off, unless the event would be too old by then. Nothing is written. */
    private Outcome throttled(Pending event, EventInvokeConfig config, String payload, String reason) {
        event.throttles++;
        event.lastThrottle = reason;
        long due = clock.millis() + Retries.afterThrottle(event.throttles).toMillis();
        if (Retries.expired(event.enqueuedAt, due, config.maximumEventAgeSeconds())) {
            return fail(event, config, DestinationRecord.EVENT_AGE_EXCEEDED, payload);
        }
        event.dueAt = due;
        return Outcome.THROTTLED;
    }

    private Outcome succeed(Pending event, EventInvokeConfig config, String payload, Attempt attempt) {
        Instant now = clock.instant();
        List<Write> writes = new ArrayList<>();
        if (config.onSuccess() != null) {
            String record = DestinationRecord.of(event.id, functionArn(event), DestinationRecord.SUCCESS,
                    event.attempts + 1, payload, attempt, now);
            writes.add(send(config.onSuccess(), record, payload, Map.of(), now));
        }
        finish(event, writes);
        return Outcome.SUCCEEDED;
    }

    /** The event failed for good or expired: its record to OnFailure, its event to the dead-letter queue. */
    private Outcome fail(Pending event, EventInvokeConfig config, String condition, String payload) {
        Instant now = clock.instant();
        Attempt last = Attempt.fromJson(event.lastResult);
        List<Write> writes = new ArrayList<>();
        if (config.onFailure() != null) {
            String record = DestinationRecord.of(event.id, functionArn(event), condition, event.attempts, payload,
                    last, now);
            writes.add(send(config.onFailure(), record, payload, Map.of(), now));
        }
        String deadLetters = deadLetterQueue(event);
        if (deadLetters != null) {
            String message = last != null ? last.errorMessage()
                    : condition + " after " + event.throttles + " throttle(s)"
                            + (event.lastThrottle == null ? "" : ": " + event.lastThrottle);
            if (message != null && message.length() > MAX_ERROR_MESSAGE) {
                message = message.substring(0, MAX_ERROR_MESSAGE);
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("RequestID", event.id);
            attributes.put("ErrorCode", Integer.toString(last != null ? last.statusCode() : 429));
            attributes.put("ErrorMessage", message == null ? "" : message);
            writes.add(send(new Destination.ToQueue(arns.queue(deadLetters), deadLetters), payload, payload,
                    attributes, now));
        }
        if (writes.isEmpty()) {
            LOG.log(Level.WARNING, "Asynchronous event {0} of {1} ended ({2}, {3} attempt(s)) and is discarded: "
                    + "the function has no OnFailure destination or dead-letter queue", event.id, functionArn(event),
                    condition, event.attempts);
        }
        finish(event, writes);
        return writes.isEmpty() ? Outcome.DISCARDED : Outcome.FAILED;
    }

    private Outcome discard(Pending event, String why) {
        LOG.log(Level.WARNING, "Asynchronous event {0} of {1} is discarded: {2}", event.id, functionArn(event), why);
        finish(event, List.of());
        return Outcome.DISCARDED;
    }

    /** A write of a record or dead letter, and the event it makes when it goes to a function. */
    private record Write(GroupCommit.Work sql, StoredEvent forwarded) {
    }

    private Write send(Destination destination, String body, String event, Map<String, String> attributes,
                       Instant now) {
        return switch (destination) {
            case Destination.ToQueue queue -> {
                var message = new Queues.Message(UUID.randomUUID().toString(), now, body, attributes, event);
                yield new Write(c -> Queues.send(c, queue.name(), message), null);
            }
            case Destination.ToFunction function -> {
                // Lambda invokes a destination function asynchronously with the record as its event.
                var forwarded = new StoredEvent(UUID.randomUUID().toString(), function.name(),
                        function.qualifier() == null ? FunctionVersion.LATEST : function.qualifier(), body, null,
                        now.toEpochMilli(), 0, 0, now.toEpochMilli(), null);
                yield new Write(forwarded::insert, forwarded);
            }
        };
    }

    /** Deletes the event together with its records, durably; then the destination functions' events are queued. */
    private void finish(Pending event, List<Write> writes) {
        commit.write(c -> {
            StoredEvent.delete(c, event.id);
            for (Write write : writes) {
                write.sql().run(c);
            }
        });
        admitAll(writes.stream().map(Write::forwarded).filter(Objects::nonNull).toList());
    }

    /**
     * Puts the event back among the waiting or forgets it, and counts its outcome, in one step: what
     * {@link #stats} shows is always consistent. Wakes the dispatcher.
     */
    private void settle(Pending event, Outcome outcome) {
        lock.lock();
        try {
            Backlog backlog = backlog(event.function);
            backlog.running--;
            running--;
            switch (outcome) {
                case RETRY -> backlog.retries++;
                case THROTTLED -> backlog.throttles++;
                case SUCCEEDED -> backlog.succeeded++;
                case FAILED -> backlog.failed++;
                case DISCARDED -> backlog.discarded++;
                case GONE, LEFT -> {
                    // nothing to count
                }
            }
            boolean waits = outcome == Outcome.RETRY || outcome == Outcome.THROTTLED;
            if (outcome != Outcome.LEFT && !closed) {
                if (waits && backlog.events.containsKey(event.id)) {
                    backlog.waiting.add(event);
                } else if (!waits && backlog.events.remove(event.id) != null) {
                    total--;
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The dead-letter queue of the version the event's qualifier names now (an alias's primary one), or null. */
    private String deadLetterQueue(Pending event) {
        try {
            return arns.queueName(registry.get(event.function, event.qualifier).config().deadLetterTargetArn());
        } catch (LambdaException gone) {
            return null;
        }
    }

    private String functionArn(Pending event) {
        return arns.function(event.function, event.qualifier);
    }

    /** A deleted function's events and configurations go with it; a dead-letter queue a function names exists. */
    private void functionChanged(String function, boolean deleted) {
        if (closed) {
            return;
        }
        FunctionVersion latest;
        try {
            latest = registry.get(function, null);
        } catch (LambdaException gone) {
            dropFunction(function);
            return;
        }
        String deadLetters = arns.queueName(latest.config().deadLetterTargetArn());
        if (deadLetters != null && !closed) {
            Instant now = clock.instant();
            commit.write(c -> {
                Queues.ensure(c, deadLetters, now);
            });
        }
    }

    /**
     * Drops the events and configurations of a function that is gone. Whether it is gone is decided in the
     * transaction that deletes them: a function of the same name created meanwhile keeps its acknowledged events.
     */
    private void dropFunction(String function) {
        if (closed) {
            return;
        }
        boolean[] gone = new boolean[1];
        int[] dropped = new int[1];
        commit.write(c -> {
            gone[0] = !exists(registry, function);
            if (gone[0]) {
                dropped[0] = StoredEvent.deleteFunction(c, function);
                EventInvokeConfigs.deleteRows(c, function);
            }
        });
        if (!gone[0]) {
            return;
        }
        configs.forgetLoaded(function);
        lock.lock();
        try {
            Backlog backlog = backlogs.get(function);
            if (backlog != null) {
                for (Pending waiting : backlog.waiting) {
                    backlog.events.remove(waiting.id);
                    total--;
                }
                backlog.waiting.clear();
                if (backlog.events.isEmpty() && backlog.reserved == 0 && backlog.running == 0) {
                    backlogs.remove(function);
                }
            }
        } finally {
            lock.unlock();
        }
        if (dropped[0] > 0) {
            LOG.log(Level.INFO, "Dropped {0} asynchronous event(s) of the deleted function {1}", dropped[0],
                    function);
        }
    }

    private static boolean exists(FunctionRegistry registry, String function) {
        try {
            registry.get(function, null);
            return true;
        } catch (LambdaException gone) {
            return false;
        }
    }

    /**
     * Stops dispatching. Events being delivered are left as they are in the store: the next server delivers them
     * again (the environments running them are destroyed by the invoker's close, which comes after).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commit.close();
    }
}
