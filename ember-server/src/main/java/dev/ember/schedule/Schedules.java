package dev.ember.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.async.AsyncInvocations;
import dev.ember.lambda.Arns;
import dev.ember.lambda.ErrorType;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import dev.ember.pool.EnvironmentKey;
import dev.ember.pool.KnownCalls;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.store.Database;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * EventBridge's scheduled rules, the subset users script against: a rule has a schedule expression and a state, and
 * targets (Ember functions, each with an optional constant {@code Input}). At each fire every target gets an Event
 * invocation (through {@link AsyncInvocations}, so with its retries) of the "Scheduled Event" or of its Input.
 *
 * <p>Durable: rules, targets and each rule's last fire are in the embedded store. A server that was down at a fire
 * time delivers that fire once when it starts (however many it missed), then follows the schedule again. Time is
 * the injected clock's; the scheduler looks at it every 100 ms while a fire is near, so a test moves it instead of
 * waiting.
 *
 * <p>A schedule is a perfect forecast: as {@link KnownCalls} it tells the warm pool when each target is called next,
 * so an environment is ready before each fire. Those answers come from a snapshot published after every change,
 * without taking the lock a fire holds while it enqueues.
 *
 * <p>Thread-safe.
 */
public final class Schedules implements KnownCalls, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Schedules.class.getName());
    private static final Pattern NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");
    private static final Pattern TARGET_ID = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");
    private static final int MAX_TARGETS = 5;
    private static final long POLL_MILLIS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A rule.
     *
     * @param state     {@code ENABLED} or {@code DISABLED}
     * @param lastFire  the scheduled time of the last fire delivered, or null
     */
    public record Rule(String name, String expression, String state, String description, Instant created,
                       Instant lastFire) {
        public boolean enabled() {
            return state.equals("ENABLED");
        }
    }

    /** A rule's target: an Ember function ARN, and the constant JSON it gets instead of the event, or null. */
    public record Target(String id, String arn, String input) {
    }

    /** A target PutTargets or RemoveTargets could not take, and why. */
    public record FailedEntry(String targetId, String errorCode, String errorMessage) {
    }

    private final Database db;
    private final FunctionRegistry registry;
    private final AsyncInvocations async;
    private final Arns arns;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Rule> rules = new TreeMap<>();
    private final Map<String, Map<String, Target>> targets = new TreeMap<>();
    /** The next fire of each enabled rule. */
    private final Map<String, Instant> nextFires = new TreeMap<>();
    private final Thread scheduler;
    /** The enabled rules with a next fire and targets, as {@link KnownCalls} reads them. */
    private volatile List<Timer> timers = List.of();
    private volatile boolean closed;

    /** An enabled rule as the forecast sees it. */
    private record Timer(String rule, ScheduleExpression expression, Instant created, Instant nextFire,
                         List<FunctionRef> targets) {
    }

    private Schedules(Database db, FunctionRegistry registry, AsyncInvocations async, Arns arns,
                      InstantSource clock) {
        this.db = db;
        this.registry = registry;
        this.async = async;
        this.arns = arns;
        this.clock = clock;
        db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT name, expression, state, description, "
                    + "created, last_fire FROM schedule_rules"); ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long last = rs.getLong(6);
                    Instant lastFire = rs.wasNull() ? null : Instant.ofEpochMilli(last);
                    rules.put(rs.getString(1), new Rule(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), lastFire));
                }
            }
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT rule_name, id, arn, input FROM schedule_targets"); ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    targets.computeIfAbsent(rs.getString(1), r -> new TreeMap<>())
                            .put(rs.getString(2), new Target(rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return null;
        });
        Instant now = clock.instant();
        for (Rule rule : rules.values()) {
            if (rule.enabled()) {
                // A fire missed while no server ran is due now, once; the ones after it follow the schedule.
                Instant next = expression(rule).next(rule.lastFire() != null ? rule.lastFire() : rule.created());
                if (next != null && next.isBefore(now) && rule.lastFire() != null) {
                    LOG.log(Level.INFO, "Schedule {0} missed its fire of {1} while the server was down; "
                            + "delivering it once now", rule.name(), next);
                }
                if (next != null) {
                    nextFires.put(rule.name(), next);
                }
            }
        }
        publish();
        this.scheduler = Thread.ofPlatform().daemon().name("ember-scheduler").start(this::run);
    }

    /** Publishes what {@link KnownCalls} answers from; the lock is held (or the constructor runs). */
    private void publish() {
        List<Timer> now = new ArrayList<>();
        nextFires.forEach((name, next) -> {
            Rule rule = rules.get(name);
            List<FunctionRef> refs = targets.getOrDefault(name, Map.of()).values().stream()
                    .map(t -> FunctionRef.parse(t.arn())).toList();
            if (rule != null && !refs.isEmpty()) {
                now.add(new Timer(name, expression(rule), rule.created(), next, refs));
            }
        });
        timers = List.copyOf(now);
    }

    @Override
    public List<Call> due(Instant after, Instant until) {
        List<Call> due = new ArrayList<>();
        for (Timer timer : timers) {
            // A fire due already is being delivered; the forecast is about the ones to come.
            if (timer.nextFire().isAfter(after) && !timer.nextFire().isAfter(until)) {
                for (FunctionRef ref : timer.targets()) {
                    FunctionVersion version = resolve(ref);
                    if (version != null) {
                        due.add(new Call(version, timer.nextFire(), timer.rule()));
                    }
                }
            }
        }
        return due;
    }

    @Override
    public Instant next(FunctionVersion version, Instant after) {
        Instant first = null;
        EnvironmentKey key = null;
        for (Timer timer : timers) {
            for (FunctionRef ref : timer.targets()) {
                if (!ref.name().equals(version.name())) {
                    continue; // most functions are no timer's target: no resolving for them
                }
                FunctionVersion target = resolve(ref);
                if (key == null) {
                    key = EnvironmentKey.of(version);
                }
                if (target != null && EnvironmentKey.of(target).equals(key)) {
                    // Never before the rule existed: a rate's earlier periods were not fires.
                    Instant at = timer.expression().next(after.isBefore(timer.created()) ? timer.created() : after);
                    if (at != null && (first == null || at.isBefore(first))) {
                        first = at;
                    }
                }
            }
        }
        return first;
    }

    private FunctionVersion resolve(FunctionRef ref) {
        try {
            return registry.get(ref.name(), ref.qualifier());
        } catch (LambdaException e) {
            return null; // a target deleted since: its fire fails in the asynchronous path and is reported there
        }
    }

    /** The schedules stored in {@code db}, firing from now on. */
    public static Schedules open(Database db, FunctionRegistry registry, AsyncInvocations async, Arns arns,
                                 InstantSource clock) {
        return new Schedules(db, registry, async, arns, clock);
    }

    /** The ARN AWS gives a rule of the default event bus. */
    public String ruleArn(String name) {
        return "arn:aws:events:" + arns.region() + ':' + arns.account() + ":rule/" + name;
    }

    /**
     * Creates or updates a rule (PutRule); a changed expression or a re-enabled rule counts from now.
     *
     * @throws ScheduleException ValidationException for a bad name, expression or state
     */
    public Rule putRule(String name, String expression, String state, String description) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ScheduleException.invalid("1 validation error detected: Value '%s' at 'name' failed to satisfy "
                    + "constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ (1 to 64)",
                    name);
        }
        if (expression == null) {
            throw ScheduleException.invalid("Parameter ScheduleExpression is required: Ember's rules are "
                    + "schedules (event patterns are not supported)");
        }
        try {
            ScheduleExpression.parse(expression);
        } catch (IllegalArgumentException e) {
            throw ScheduleException.invalid("Parameter ScheduleExpression is not valid: %s", e.getMessage());
        }
        String s = state == null ? "ENABLED" : state;
        if (!s.equals("ENABLED") && !s.equals("DISABLED")) {
            throw ScheduleException.invalid("1 validation error detected: Value '%s' at 'state' failed to satisfy "
                    + "constraint: Member must satisfy enum value set: [ENABLED, DISABLED]", s);
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            Rule current = rules.get(name);
            boolean sameTiming = current != null && current.expression().equals(expression) && current.enabled()
                    && s.equals("ENABLED");
            Rule rule = new Rule(name, expression, s, description == null ? "" : description,
                    sameTiming ? current.created() : now, sameTiming ? current.lastFire() : null);
            db.inTransaction(c -> {
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO schedule_rules (name, expression, "
                        + "state, description, created, last_fire) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO "
                        + "UPDATE SET expression = excluded.expression, state = excluded.state, description = "
                        + "excluded.description, created = excluded.created, last_fire = excluded.last_fire")) {
                    upsert.setString(1, name);
                    upsert.setString(2, expression);
                    upsert.setString(3, s);
                    upsert.setString(4, rule.description());
                    upsert.setLong(5, rule.created().toEpochMilli());
                    if (rule.lastFire() == null) {
                        upsert.setNull(6, Types.BIGINT);
                    } else {
                        upsert.setLong(6, rule.lastFire().toEpochMilli());
                    }
                    return upsert.executeUpdate();
                }
            });
            rules.put(name, rule);
            reschedule(rule);
            return rule;
        } finally {
            lock.unlock();
        }
    }

    /** Enables or disables a rule (EnableRule, DisableRule). */
    public Rule setState(String name, boolean enabled) {
        Rule rule = describe(name);
        return putRule(name, rule.expression(), enabled ? "ENABLED" : "DISABLED", rule.description());
    }

    /**
     * @throws ScheduleException ResourceNotFoundException when there is no such rule
     */
    public Rule describe(String name) {
        lock.lock();
        try {
            Rule rule = rules.get(name);
            if (rule == null) {
                throw ScheduleException.notFound("Rule %s does not exist on EventBus default.", name);
            }
            return rule;
        } finally {
            lock.unlock();
        }
    }

    /** The rules whose names start with {@code prefix} (null for all), by name. */
    public List<Rule> list(String prefix) {
        lock.lock();
        try {
            return rules.values().stream().filter(r -> prefix == null || r.name().startsWith(prefix)).toList();
        } finally {
            lock.unlock();
        }
    }

    /** When {@code name} fires next, or null when it is disabled or has no fire left. */
    public Instant nextFire(String name) {
        lock.lock();
        try {
            return nextFires.get(name);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes a rule (DeleteRule); as AWS, only once it has no targets.
     *
     * @throws ScheduleException ResourceNotFoundException, or ValidationException while it has targets
     */
    public void deleteRule(String name) {
        lock.lock();
        try {
            describe(name);
            if (!targets.getOrDefault(name, Map.of()).isEmpty()) {
                throw ScheduleException.invalid("Rule can't be deleted since it has targets. Remove them first "
                        + "(RemoveTargets)");
            }
            db.inTransaction(c -> {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM schedule_rules WHERE name = ?")) {
                    delete.setString(1, name);
                    return delete.executeUpdate();
                }
            });
            rules.remove(name);
            nextFires.remove(name);
            targets.remove(name);
            publish();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds or replaces targets (PutTargets): each must be an Ember function's ARN, with a JSON {@code Input} if any.
     *
     * @return the entries that were not taken
     */
    public List<FailedEntry> putTargets(String rule, List<Target> entries) {
        lock.lock();
        try {
            describe(rule);
            List<FailedEntry> failed = new ArrayList<>();
            Map<String, Target> current = new LinkedHashMap<>(targets.getOrDefault(rule, Map.of()));
            List<Target> accepted = new ArrayList<>();
            for (Target target : entries) {
                String why = check(target);
                if (why == null && !current.containsKey(target.id()) && current.size() >= MAX_TARGETS) {
                    why = "a rule has at most " + MAX_TARGETS + " targets";
                }
                if (why != null) {
                    failed.add(new FailedEntry(target.id(), why.startsWith("no function")
                            ? ScheduleException.NOT_FOUND : ScheduleException.VALIDATION, why));
                    continue;
                }
                current.put(target.id(), target);
                accepted.add(target);
            }
            db.inTransaction(c -> {
                for (Target target : accepted) {
                    try (PreparedStatement upsert = c.prepareStatement("INSERT INTO schedule_targets (rule_name, "
                            + "id, arn, input) VALUES (?, ?, ?, ?) ON CONFLICT (rule_name, id) DO UPDATE SET "
                            + "arn = excluded.arn, input = excluded.input")) {
                        upsert.setString(1, rule);
                        upsert.setString(2, target.id());
                        upsert.setString(3, target.arn());
                        if (target.input() == null) {
                            upsert.setNull(4, Types.VARCHAR);
                        } else {
                            upsert.setString(4, target.input());
                        }
                        upsert.executeUpdate();
                    }
                }
                return null;
            });
            targets.put(rule, new TreeMap<>(current));
            publish();
            changed.signalAll();
            return failed;
        } finally {
            lock.unlock();
        }
    }

    /** Why {@code target} cannot be taken, or null. */
    private String check(Target target) {
        if (target.id() == null || !TARGET_ID.matcher(target.id()).matches()) {
            return "a target's Id is 1 to 64 letters, digits, '.', '-' or '_'";
        }
        if (!arns.isFunction(target.arn())) {
            return "Ember's targets are its functions (" + arns.function("NAME[:QUALIFIER]") + "); "
                    + target.arn() + " is not one";
        }
        FunctionRef ref = FunctionRef.parse(target.arn());
        try {
            registry.get(ref.name(), null);
        } catch (LambdaException gone) {
            return "no function " + ref.name();
        }
        if (target.input() != null) {
            try {
                JSON.readTree(target.input());
            } catch (IOException e) {
                return "a target's Input must be valid JSON: " + e.getMessage();
            }
        }
        return null;
    }

    /** Removes targets (RemoveTargets); an unknown id is a failed entry. */
    public List<FailedEntry> removeTargets(String rule, List<String> ids) {
        lock.lock();
        try {
            describe(rule);
            Map<String, Target> current = targets.getOrDefault(rule, new TreeMap<>());
            List<FailedEntry> failed = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            for (String id : ids) {
                if (current.containsKey(id)) {
                    removed.add(id);
                } else {
                    failed.add(new FailedEntry(id, ScheduleException.NOT_FOUND, "no target " + id + " on " + rule));
                }
            }
            db.inTransaction(c -> {
                for (String id : removed) {
                    try (PreparedStatement delete = c.prepareStatement(
                            "DELETE FROM schedule_targets WHERE rule_name = ? AND id = ?")) {
                        delete.setString(1, rule);
                        delete.setString(2, id);
                        delete.executeUpdate();
                    }
                }
                return null;
            });
            removed.forEach(current::remove);
            publish();
            return failed;
        } finally {
            lock.unlock();
        }
    }

    /** A rule's targets, by id. */
    public List<Target> targets(String rule) {
        lock.lock();
        try {
            describe(rule);
            return List.copyOf(targets.getOrDefault(rule, Map.of()).values());
        } finally {
            lock.unlock();
        }
    }

    private ScheduleExpression expression(Rule rule) {
        ScheduleExpression expression = ScheduleExpression.parse(rule.expression());
        return expression instanceof ScheduleExpression.Rate rate ? rate.anchoredAt(rule.created()) : expression;
    }

    /** Sets the rule's next fire from its state and last fire; the lock is held. */
    private void reschedule(Rule rule) {
        nextFires.remove(rule.name());
        if (rule.enabled()) {
            Instant next = expression(rule).next(rule.lastFire() != null ? rule.lastFire() : rule.created());
            if (next != null) {
                nextFires.put(rule.name(), next);
            }
        }
        publish();
        changed.signalAll();
    }

    private void run() {
        lock.lock();
        try {
            while (!closed) {
                long wait = POLL_MILLIS * 10;
                try {
                    Instant now = clock.instant();
                    for (Map.Entry<String, Instant> due : List.copyOf(nextFires.entrySet())) {
                        if (!due.getValue().isAfter(now)) {
                            fire(rules.get(due.getKey()), due.getValue(), now);
                        } else {
                            wait = Math.min(wait, Math.max(1, due.getValue().toEpochMilli() - now.toEpochMilli()));
                        }
                    }
                    wait = Math.min(wait, POLL_MILLIS);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "Firing schedules failed; trying again", e);
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
     * Delivers one fire of {@code rule} (scheduled for {@code at}) to its targets, records it, and schedules the next
     * fire after {@code now}: fires missed meanwhile are not replayed one by one. The lock is held.
     */
    private void fire(Rule rule, Instant at, Instant now) {
        for (Target target : targets.getOrDefault(rule.name(), Map.of()).values()) {
            FunctionRef ref = FunctionRef.parse(target.arn());
            byte[] event = target.input() != null ? target.input().getBytes(StandardCharsets.UTF_8)
                    : scheduledEvent(rule, at);
            try {
                async.enqueue(UUID.randomUUID().toString(), ref.name(), ref.qualifier(), event, null);
            } catch (LambdaException e) {
                if (e.type() == ErrorType.TOO_MANY_REQUESTS) {
                    return; // the backlog is full: the fire stays due and is tried again at the next look
                }
                LOG.log(Level.WARNING, "Schedule {0} could not deliver its fire of {1} to {2}: {3}", rule.name(),
                        at, target.arn(), e.getMessage());
            }
        }
        Rule fired = new Rule(rule.name(), rule.expression(), rule.state(), rule.description(), rule.created(), at);
        db.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE schedule_rules SET last_fire = ? WHERE name = ?")) {
                update.setLong(1, at.toEpochMilli());
                update.setString(2, rule.name());
                return update.executeUpdate();
            }
        });
        rules.put(rule.name(), fired);
        Instant next = expression(fired).next(at.isBefore(now) ? now : at);
        if (next == null) {
            nextFires.remove(rule.name());
        } else {
            nextFires.put(rule.name(), next);
        }
        publish();
    }

    /** The event EventBridge sends for a scheduled rule. */
    private byte[] scheduledEvent(Rule rule, Instant at) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", arns.account());
        event.put("time", at.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", arns.region());
        event.putArray("resources").add(ruleArn(rule.name()));
        event.putObject("detail");
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

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
            scheduler.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
