package dev.ember.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What this host offers for isolating execution environments, and which of it Ember enforces. Printed by
 * {@code ./ember doctor}; the server logs every mechanism it does not enforce when it starts, so nobody mistakes a
 * plain child process for a sandbox.
 *
 * @param mechanisms one row per isolation mechanism, in a stable order
 */
public record IsolationReport(List<Mechanism> mechanisms) {
    private static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids", "freezer");

    /**
     * One isolation mechanism.
     *
     * @param name      what it isolates or limits, e.g. {@code memory limit (cgroup v1)}
     * @param available whether this host could provide it
     * @param enforced  whether Ember applies it to every environment
     * @param detail    how, or why not and what to install
     */
    public record Mechanism(String name, boolean available, boolean enforced, String detail) {
    }

    public IsolationReport {
        mechanisms = List.copyOf(mechanisms);
    }

    /**
     * What this host has, found without side effects.
     *
     * @param cgroupVersion     {@code v1}, {@code v2} or {@code none}
     * @param cgroupControllers the mounted controllers among memory, cpu, pids, freezer
     */
    record Host(boolean root, boolean bwrap, boolean userNamespaces, boolean setsid, boolean setpriv, boolean slirp,
                String cgroupVersion, List<String> cgroupControllers) {

        static Host probe(Path root) {
            List<String> controllers = new ArrayList<>();
            String version;
            Path cgroup = root.resolve("sys/fs/cgroup");
            if (Files.exists(cgroup.resolve("cgroup.controllers"))) {
                version = "v2";
                try {
                    List<String> listed = List.of(Files.readString(cgroup.resolve("cgroup.controllers")).trim()
                            .split("\\s+"));
                    CONTROLLERS.stream().filter(c -> listed.contains(c) || c.equals("freezer"))
                            .forEach(controllers::add); // v2's freezer is built in
                } catch (IOException e) {
                    // No controllers.
                }
            } else {
                CONTROLLERS.stream().filter(c -> Files.isDirectory(cgroup.resolve(c))).forEach(controllers::add);
                version = controllers.isEmpty() ? "none" : "v1";
            }
            return new Host(uid(root.resolve("proc/self/status")) == 0, Files.isExecutable(root.resolve("usr/bin/bwrap")),
                    positive(root.resolve("proc/sys/user/max_user_namespaces")),
                    Files.isExecutable(root.resolve("usr/bin/setsid")),
                    Files.isExecutable(root.resolve("usr/bin/setpriv")),
                    Files.isExecutable(root.resolve("usr/bin/slirp4netns")), version, List.copyOf(controllers));
        }

        boolean canSandbox() {
            return bwrap && (root ? setpriv : userNamespaces);
        }
    }

    /** What a server started now on this host would enforce: {@link Host#probe} of {@code /}, nothing changed. */
    public static IsolationReport probe() {
        return probe(Path.of("/"));
    }

    /** The same for a host whose file system is at {@code root} (tests point it at a fake tree). */
    static IsolationReport probe(Path root) {
        Host host = Host.probe(root);
        return of(host, host.canSandbox(), host.root() && host.canSandbox() ? host.cgroupControllers() : List.of(),
                false);
    }

    /**
     * The report of a server.
     *
     * @param sandboxing       whether environments run in bubblewrap sandboxes
     * @param controllersInUse the cgroup controllers it set up for environments
     * @param turnedOff        whether the operator chose plain processes
     */
    static IsolationReport of(Host host, boolean sandboxing, List<String> controllersInUse, boolean turnedOff) {
        String off = "available; off (--isolation none)";
        String noSandbox = turnedOff ? off : !host.bwrap() ? "no /usr/bin/bwrap (apt-get install bubblewrap)"
                : host.root() ? "no /usr/bin/setpriv (util-linux)" : "user namespaces are disabled";
        boolean canSandbox = host.canSandbox();
        boolean rootSandbox = sandboxing && host.root();
        List<Mechanism> rows = new ArrayList<>();
        rows.add(new Mechanism("clean process environment", true, true,
                "only Lambda's variables and the function's own; nothing of the server's"));
        rows.add(new Mechanism("read-only code and runtime, private /tmp, no host files", canSandbox, sandboxing,
                sandboxing ? "bubblewrap: read-only root, code at /var/task, tmpfs /tmp of EphemeralStorage"
                        : noSandbox));
        rows.add(new Mechanism("own PID, IPC and UTS namespaces", canSandbox, sandboxing,
                sandboxing ? "bubblewrap" : noSandbox));
        rows.add(new Mechanism("unprivileged user, no capabilities", canSandbox, sandboxing,
                rootSandbox ? "setpriv: a host uid of its own per environment, no new privileges"
                        : sandboxing ? "a user namespace mapping the server's own uid" : noSandbox));
        rows.add(new Mechanism("1,024 open files and 1,024 processes (rlimits)", canSandbox, sandboxing,
                sandboxing ? "set before the runtime starts" : noSandbox));
        rows.add(new Mechanism("network: own Runtime API only", canSandbox && host.root(), rootSandbox,
                rootSandbox ? "a network namespace per environment, only loopback"
                        : !host.root() ? "needs root (network namespaces)" : noSandbox));
        rows.add(new Mechanism("outbound network, opt-in per function", canSandbox && host.root() && host.slirp(),
                rootSandbox && host.slirp(), rootSandbox && host.slirp()
                        ? "slirp4netns --disable-host-loopback when EMBER_NETWORK=outbound"
                        : !host.slirp() ? "no /usr/bin/slirp4netns (apt-get install slirp4netns)"
                        : !host.root() ? "needs root" : noSandbox));
        for (String controller : CONTROLLERS) {
            boolean mounted = host.cgroupControllers().contains(controller);
            boolean used = controllersInUse.contains(controller);
            rows.add(new Mechanism(controllerRow(controller) + " (cgroup " + host.cgroupVersion() + ")",
                    mounted && host.root() && canSandbox, used,
                    used ? controllerDetail(controller)
                            : !mounted ? "controller not mounted"
                            : !host.root() ? "needs root or a delegated cgroup"
                            : !canSandbox ? noSandbox : turnedOff ? off : "cannot create groups under it"));
        }
        rows.add(new Mechanism("runtimes left by a killed server are killed", true, true,
                sandboxing ? "bubblewrap --die-with-parent, and pid files under <data-dir>/run"
                        : "pid files under <data-dir>/run"));
        if (!sandboxing) {
            rows.add(new Mechanism("kill the whole process group", host.setsid(), host.setsid(),
                    host.setsid() ? "/usr/bin/setsid: each runtime leads its own session"
                            : "no /usr/bin/setsid (util-linux)"));
        }
        return new IsolationReport(rows);
    }

    private static String controllerRow(String controller) {
        return switch (controller) {
            case "memory" -> "memory limit";
            case "cpu" -> "CPU share";
            case "pids" -> "process limit";
            default -> "frozen while idle";
        };
    }

    private static String controllerDetail(String controller) {
        return switch (controller) {
            case "memory" -> "MemorySize, no swap; over it: Runtime.OutOfMemory";
            case "cpu" -> "1,769 MB = one core (a full core during init)";
            case "pids" -> "1,024 processes and threads";
            default -> "freezer between invocations";
        };
    }

    /**
     * Host tuning that makes sandboxes start faster, when this host lacks it: on cgroup v1, a process joining a
     * cgroup waits for an RCU grace period (about 15 ms on an idle VM, measured by {@code ./ember bench sandbox});
     * expedited grace periods make it well under a millisecond. A host-wide kernel setting, so Ember only advises.
     */
    public static Optional<String> hostTuning() {
        Path expedited = Path.of("/sys/kernel/rcu_expedited");
        if (!Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) || !Files.isReadable(expedited)) {
            return Optional.empty();
        }
        try {
            if (Files.readString(expedited).trim().equals("1")) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of("Host tuning: /sys/kernel/rcu_expedited is 0, so each sandbox waits ~15 ms for an "
                + "RCU grace period when it joins its cgroups. For faster cold starts: echo 1 > "
                + "/sys/kernel/rcu_expedited (or boot with rcupdate.rcu_expedited=1).");
    }

    /** The mechanisms Ember does not apply: what an operator must know. */
    public List<Mechanism> notEnforced() {
        return mechanisms.stream().filter(m -> !m.enforced()).toList();
    }

    /** A fixed-width table: mechanism, available here, enforced by Ember, detail. */
    public String table() {
        int width = mechanisms.stream().mapToInt(m -> m.name().length()).max().orElse(9);
        String format = "%-" + width + "s  %-9s  %-8s  %s%n";
        StringBuilder out = new StringBuilder(format.formatted("MECHANISM", "AVAILABLE", "ENFORCED", "DETAIL"));
        for (Mechanism m : mechanisms) {
            out.append(format.formatted(m.name(), yesNo(m.available()), yesNo(m.enforced()), m.detail()));
        }
        return out.toString();
    }

    /** One line for the server's log. */
    public String warning() {
        return "Execution environments are NOT fully isolated; not enforced: "
                + notEnforced().stream().map(m -> m.name() + " [" + m.detail() + "]")
                .collect(Collectors.joining(", "))
                + " (./ember doctor shows what this host offers; the README says what to install)";
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    static boolean positive(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim()) > 0;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** The real uid from a {@code /proc/<pid>/status}, or -1. */
    static int uid(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc not mounted.
        }
        return -1;
    }
}
