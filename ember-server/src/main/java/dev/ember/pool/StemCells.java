package dev.ember.pool;

import dev.ember.policy.StemCellPolicy;
import dev.ember.registry.FunctionVersion;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Stem cells: per {@link CellKind}, environments already sandboxed with the kind's limits and booted (a JVM of the
 * managed Java runtime started and warmed up, a shell waiting for a {@code provided} bootstrap's command) that hold no
 * function yet. A cold start {@linkplain #specialise specialises} one: the function's code is linked into its empty
 * task root and its runtime is handed the function's environment variables; init then runs as on a normal start,
 * without the sandbox's creation or the JVM's boot. A specialised cell is the function's environment for good and
 * never comes back (nothing crosses functions), and the kind is refilled at once.
 *
 * <p>How many cells each kind keeps is the {@link StemCellPolicy}'s call, from the cold starts of every function of
 * the kind. Cells hold their memory in the host's {@link MemoryBudget} like any environment; they are only made from
 * free memory and give it up first when an environment needs it ({@link #yieldMemory}). Set the system property
 * {@value #DISABLED_PROPERTY} to {@code true} for a server without them (what benchmarks compare against).
 */
public final class StemCells implements AutoCloseable {
    /** Set to {@code true}, the server keeps no stem cells. */
    public static final String DISABLED_PROPERTY = "ember.stemcells.disabled";
    /** The most cells of one kind, whatever the bursts: a bound on what a scale-up leaves idle. */
    static final int MAX_PER_KIND = 16;
    private static final System.Logger LOG = System.getLogger(StemCells.class.getName());

    private final EnvironmentFactory factory;
    private final MemoryBudget budget;
    private final InstantSource clock;
    private final boolean enabled;
    private final StemCellPolicy policy = new StemCellPolicy(MAX_PER_KIND);
    /** Cells launched and not yet taken, oldest first, by kind; kinds seen stay (the policy may want cells again). */
    private final Map<CellKind, Deque<ExecutionEnvironment>> cells = new LinkedHashMap<>();
    private final Map<CellKind, Integer> launching = new LinkedHashMap<>();
    /** Cold starts under way, per kind: cells are not refilled beside them (they would share the CPU). */
    private final Map<CellKind, Integer> coldStarting = new LinkedHashMap<>();
    private final Set<CellKind> seen = new LinkedHashSet<>();
    /** Per kind: cold starts, those handed to a cell, and of those the cells that died before taking them. */
    private final Map<CellKind, long[]> counts = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param clock the time the policy measures bursts and idleness on
     */
    public StemCells(EnvironmentFactory factory, MemoryBudget budget, InstantSource clock) {
        this.factory = factory;
        this.budget = budget;
        this.clock = clock;
        this.enabled = !Boolean.getBoolean(DISABLED_PROPERTY);
    }

    /**
     * A cold start of {@code version}, which found no warm environment: counts it for the policy, and specialises a
     * cell of its kind if there is one, booted ones first. The cell's memory, already held, becomes the
     * environment's.
     *
     * @param log receives what the function's runtime prints
     * @return the environment, initialising; null when there was no cell or it could not take the function (then
     *         the caller starts the function normally)
     * @throws EnvironmentStartException when the function cannot start at all (no bootstrap): as on a normal start
     */
    public ExecutionEnvironment specialise(FunctionVersion version, Consumer<String> log) {
        Optional<CellKind> kind = CellKind.of(version.config());
        if (!enabled || kind.isEmpty()) {
            return null;
        }
        ExecutionEnvironment cell = null;
        List<ExecutionEnvironment> dead = new ArrayList<>();
        synchronized (this) {
            seen.add(kind.get());
            coldStarting.merge(kind.get(), 1, Integer::sum);
            counts.computeIfAbsent(kind.get(), k -> new long[3])[0]++;
            policy.onColdStart(kind.get().name(), clock.millis());
            Deque<ExecutionEnvironment> queue = cells.get(kind.get());
            if (queue != null) {
                for (Iterator<ExecutionEnvironment> it = queue.iterator(); it.hasNext(); ) {
                    ExecutionEnvironment candidate = it.next();
                    if (!candidate.isUsable()) {
                        it.remove();
                        dead.add(candidate);
                    } else if (candidate.booted() && cell == null) {
                        it.remove();
                        cell = candidate;
                    }
                }
                if (cell == null && !queue.isEmpty()) {
                    cell = queue.pollFirst(); // still booting: the boot is under way, which beats starting anew
                }
            }
            if (cell != null && cell.bootMillis() >= 0) {
                policy.booted(kind.get().name(), cell.bootMillis());
            }
        }
        dead.forEach(ExecutionEnvironment::destroy);
        if (cell == null) {
            return null;
        }
        boolean taken;
        try {
            taken = factory.specialise(cell, version, log);
        } catch (RuntimeException e) {
            cell.destroy();
            throw e;
        }
        if (!taken) {
            cell.destroy();
            return null;
        }
        synchronized (this) {
            counts.get(kind.get())[1]++;
        }
        return cell;
    }

    /**
     * The cell {@link #specialise} gave for {@code version} died before it became the function's environment (it
     * never said it took the function's environment); the caller starts the function normally.
     */
    public void lost(FunctionVersion version) {
        CellKind.of(version.config()).ifPresent(kind -> {
            synchronized (this) {
                counts.get(kind)[2]++;
            }
        });
    }

    /**
     * A cold start of {@code version} ({@link #specialise} was asked) is answered: once no other cold start of its
     * kind is under way, the cells taken are replaced (a sandbox and a JVM booting beside a cold start would take
     * the CPU it runs on; during a burst, that would slow every one of them).
     */
    public void coldStartEnded(FunctionVersion version) {
        Optional<CellKind> kind = CellKind.of(version.config());
        if (!enabled || kind.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (coldStarting.merge(kind.get(), -1, Integer::sum) > 0) {
                return;
            }
        }
        refill(kind.get());
    }

    /**
     * Brings every kind to the policy's number of cells: launches the missing ones (from free memory only) and
     * destroys the ones no longer wanted, newest first. Returns at once; cells start in the background.
     */
    public void scale() {
        List<CellKind> kinds;
        synchronized (this) {
            kinds = List.copyOf(seen);
        }
        for (CellKind kind : kinds) {
            retireExcess(kind);
            refill(kind);
        }
    }

    private void retireExcess(CellKind kind) {
        List<ExecutionEnvironment> retired = new ArrayList<>();
        synchronized (this) {
            Deque<ExecutionEnvironment> queue = cells.get(kind);
            if (queue == null) {
                return;
            }
            queue.removeIf(cell -> !cell.isUsable() && retired.add(cell));
            int excess = queue.size() - policy.target(kind.name(), clock.millis());
            for (int i = 0; i < excess; i++) {
                retired.add(queue.pollLast());
            }
        }
        retired.forEach(ExecutionEnvironment::destroy);
    }

    private void refill(CellKind kind) {
        int missing;
        synchronized (this) {
            if (closed || coldStarting.getOrDefault(kind, 0) > 0) {
                return;
            }
            Deque<ExecutionEnvironment> queue = cells.get(kind);
            int have = (queue == null ? 0 : queue.size()) + launching.getOrDefault(kind, 0);
            missing = policy.target(kind.name(), clock.millis()) - have;
            for (int i = 0; i < missing; i++) {
                if (!budget.tryReserve(kind.memoryMb())) {
                    missing = i; // a cell never evicts anything: only free memory makes cells
                    break;
                }
            }
            if (missing > 0) {
                launching.merge(kind, missing, Integer::sum);
            }
        }
        for (int i = 0; i < missing; i++) {
            Thread.ofVirtual().name("stem-cell-" + kind.name()).start(() -> launch(kind));
        }
    }

    /** Launches one cell of {@code kind}, its memory reserved already. */
    private void launch(CellKind kind) {
        ExecutionEnvironment cell = null;
        try {
            cell = factory.startCell(kind, () -> budget.release(kind.memoryMb()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot start a stem cell " + kind.name() + ": " + e.getMessage());
        }
        boolean kept = false;
        synchronized (this) {
            launching.merge(kind, -1, Integer::sum);
            if (cell != null && !closed) {
                cells.computeIfAbsent(kind, k -> new ArrayDeque<>()).addLast(cell);
                kept = true;
            }
        }
        if (cell != null && !kept) {
            cell.destroy();
        }
    }

    /**
     * Destroys cells, any kind's, until {@code mb} are free in the budget or no cell is left: an environment a
     * function needs now comes before cells for cold starts that may come. Returns whether any was destroyed.
     */
    public boolean yieldMemory(long mb) {
        boolean yielded = false;
        while (budget.capacityMb() - budget.usedMb() < mb) {
            ExecutionEnvironment victim = null;
            synchronized (this) {
                for (Deque<ExecutionEnvironment> queue : cells.values()) {
                    if (!queue.isEmpty()) {
                        victim = queue.pollLast();
                        break;
                    }
                }
            }
            if (victim == null) {
                break;
            }
            victim.destroy(); // gives its memory back
            yielded = true;
        }
        return yielded;
    }

    /**
     * The cells of one kind now.
     *
     * @param kind        the kind's name ({@link CellKind#name()})
     * @param booted      cells ready to specialise
     * @param booting     cells launched and still booting, or being launched
     * @param heldMb      the memory they hold in the budget (MemorySize each)
     * @param residentMb  their resident memory now: what keeping them costs
     * @param target      how many the policy wants
     * @param explanation why
     * @param coldStarts  cold starts of functions of the kind since the server started
     * @param served      those handed to a cell
     * @param lost        of those, cells that died before they became the function's (it was started normally)
     */
    public record Report(String kind, int booted, int booting, long heldMb, long residentMb, int target,
                         String explanation, long coldStarts, long served, long lost) {
    }

    /** The cells of every kind seen, and of {@code only} (even if never seen) when not null. */
    public List<Report> report(CellKind only) {
        List<Report> reports = new ArrayList<>();
        long now = clock.millis();
        List<CellKind> kinds;
        synchronized (this) {
            kinds = only != null ? List.of(only) : List.copyOf(seen);
        }
        for (CellKind kind : kinds) {
            List<ExecutionEnvironment> present;
            int target;
            String explanation;
            int starting;
            long[] count;
            synchronized (this) {
                count = counts.getOrDefault(kind, new long[3]).clone();
                present = List.copyOf(cells.getOrDefault(kind, new ArrayDeque<>()));
                starting = launching.getOrDefault(kind, 0);
                target = policy.target(kind.name(), now);
                explanation = enabled ? policy.explain(kind.name(), now) : "stem cells are disabled";
            }
            int booted = 0;
            long resident = 0;
            for (ExecutionEnvironment cell : present) {
                booted += cell.booted() ? 1 : 0;
                resident += cell.residentMb();
            }
            reports.add(new Report(kind.name(), booted, present.size() - booted + starting,
                    (long) (present.size() + starting) * kind.memoryMb(), resident, target, explanation, count[0],
                    count[1], count[2]));
        }
        return reports;
    }

    /** Destroys every cell, and any launched from now on. */
    @Override
    public void close() {
        List<ExecutionEnvironment> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            cells.values().forEach(all::addAll);
            cells.clear();
        }
        all.forEach(ExecutionEnvironment::destroy);
    }
}
