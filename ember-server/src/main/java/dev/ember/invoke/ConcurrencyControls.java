package dev.ember.invoke;

import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The account concurrency limit and each function's reserved concurrency, as Lambda has them: a function with a
 * reservation runs at most that many invocations at once (0 throttles it) and no other function can take them; the
 * others share what is left of the account limit. Reservations are durable (in the embedded store) and leave at least
 * {@link #unreservedMinimum()} to the functions without one.
 *
 * <p>Thread-safe: admission is a few counters under one lock, taken twice per invocation.
 */
public final class ConcurrencyControls {
    /** AWS's {@code Reason} when a function is at its reserved concurrency. */
    static final String RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded";
    /** AWS's {@code Reason} when the functions without a reservation use all of the unreserved concurrency. */
    static final String ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded";

    private final Database db;
    private final FunctionRegistry registry;
    private final int accountLimit;
    private final Map<String, Integer> reserved = new HashMap<>();
    private final Map<String, Integer> runningReserved = new HashMap<>();
    private int reservedTotal;
    private int runningUnreserved;

    /** An admitted invocation's hold on concurrency; give it back with {@link #release}. */
    record Slot(String function, boolean reserved) {
    }

    private ConcurrencyControls(Database db, FunctionRegistry registry, int accountLimit, Map<String, Integer> loaded) {
        this.db = db;
        this.registry = registry;
        this.accountLimit = accountLimit;
        loaded.forEach((function, n) -> {
            reserved.put(function, n);
            reservedTotal += n;
        });
    }

    /**
     * The controls of a server, with the reservations stored in {@code db}. A function's reservation goes when the
     * function is deleted.
     *
     * @param accountLimit in-flight invocations across all functions
     */
    public static ConcurrencyControls open(Database db, FunctionRegistry registry, int accountLimit) {
        Map<String, Integer> loaded = db.read(c -> {
            Map<String, Integer> rows = new HashMap<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT function_name, reserved FROM function_concurrency");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getInt(2));
                }
            }
            return rows;
        });
        var controls = new ConcurrencyControls(db, registry, accountLimit, loaded);
        registry.addListener((name, deleted) -> {
            if (deleted && !exists(registry, name)) {
                controls.delete(name);
            }
        });
        return controls;
    }

    private static boolean exists(FunctionRegistry registry, String name) {
        try {
            registry.get(name, null);
            return true;
        } catch (LambdaException gone) {
            return false;
        }
    }

    /** Returns {@code function} when it exists, else throws Lambda's ResourceNotFoundException. */
    public String requireFunction(String function) {
        registry.get(function, null);
        return function;
    }

    /** The account limit. */
    public int accountLimit() {
        return accountLimit;
    }

    /** What reservations must leave to the other functions: a tenth of the account limit (AWS: 100). */
    public int unreservedMinimum() {
        return Math.max(1, accountLimit / 10);
    }

    /** What the functions without a reservation share: the account limit less every reservation. */
    public synchronized int unreserved() {
        return accountLimit - reservedTotal;
    }

    /** {@code function}'s reservation, if it has one. */
    public synchronized OptionalInt reserved(String function) {
        Integer n = reserved.get(function);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /**
     * Sets {@code function}'s reserved concurrency (PutFunctionConcurrency); durable when this returns.
     *
     * @throws LambdaException ResourceNotFoundException for an unknown function, InvalidParameterValueException for a
     *                         negative value or one that leaves the others less than {@link #unreservedMinimum()}
     */
    public int reserve(String function, int concurrency) {
        registry.get(function, null); // 404 for an unknown function
        if (concurrency < 0) {
            throw LambdaException.invalid("1 validation error detected: Value '%d' at 'reservedConcurrentExecutions'"
                    + " failed to satisfy constraint: Member must have value greater than or equal to 0", concurrency);
        }
        synchronized (this) {
            int others = reservedTotal - reserved.getOrDefault(function, 0);
            if (accountLimit - others - concurrency < unreservedMinimum()) {
                throw LambdaException.invalid("Specified ReservedConcurrentExecutions for function decreases "
                        + "account's UnreservedConcurrentExecution below its minimum value of [%d].",
                        unreservedMinimum());
            }
            db.inTransaction(c -> {
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM function_concurrency WHERE function_name = ?");
                     PreparedStatement insert = c.prepareStatement(
                             "INSERT INTO function_concurrency (function_name, reserved) VALUES (?, ?)")) {
                    delete.setString(1, function);
                    delete.executeUpdate();
                    insert.setString(1, function);
                    insert.setInt(2, concurrency);
                    return insert.executeUpdate();
                }
            });
            reservedTotal = others + concurrency;
            reserved.put(function, concurrency);
        }
        return concurrency;
    }

    /** Removes {@code function}'s reservation (DeleteFunctionConcurrency); it shares the unreserved pool again. */
    public synchronized void delete(String function) {
        db.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM function_concurrency WHERE function_name = ?")) {
                delete.setString(1, function);
                return delete.executeUpdate();
            }
        });
        Integer removed = reserved.remove(function);
        if (removed != null) {
            reservedTotal -= removed;
        }
    }

    /** Admits an invocation of {@code function}, or returns null and sets nothing when it must be throttled. */
    synchronized Slot tryAcquire(String function) {
        Integer limit = reserved.get(function);
        if (limit != null) {
            int running = runningReserved.getOrDefault(function, 0);
            if (running >= limit) {
                return null;
            }
            runningReserved.put(function, running + 1);
            return new Slot(function, true);
        }
        if (runningUnreserved >= accountLimit - reservedTotal) {
            return null;
        }
        runningUnreserved++;
        return new Slot(function, false);
    }

    /** Why {@code function} would be throttled now: AWS's {@code Reason}. */
    synchronized String throttleReason(String function) {
        return reserved.containsKey(function) ? RESERVED_LIMIT : ACCOUNT_LIMIT;
    }

    synchronized void release(Slot slot) {
        if (slot.reserved()) {
            runningReserved.merge(slot.function(), -1, Integer::sum);
        } else {
            runningUnreserved--;
        }
    }
}
