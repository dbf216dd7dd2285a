package dev.ember.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What this host offers for isolating execution environments, and which of it Ember enforces today. Printed by
 * {@code ./ember doctor}; the server logs every mechanism it does not enforce when it starts, so nobody mistakes a
 * plain child process for a sandbox.
 *
 * @param mechanisms one row per isolation mechanism, in a stable order
 */
public record IsolationReport(List<Mechanism> mechanisms) {

    /**
     * One isolation mechanism.
     *
     * @param name      what it isolates or limits, e.g. {@code memory limit (cgroup)}
     * @param available whether this host could provide it
     * @param enforced  whether Ember applies it to every environment
     * @param detail    how it was found, or why not
     */
    public record Mechanism(String name, boolean available, boolean enforced, String detail) {
    }

    public IsolationReport {
        mechanisms = List.copyOf(mechanisms);
    }

    /** Probes this host: files under {@code /proc}, {@code /sys/fs/cgroup} and {@code /usr/bin}; runs nothing. */
    public static IsolationReport probe() {
        return probe(Path.of("/"));
    }

    /** Probes a host whose file system is mounted at {@code root} (tests point it at a fake tree). */
    static IsolationReport probe(Path root) {
        boolean setsid = Files.isExecutable(root.resolve("usr/bin/setsid"));
        boolean bwrap = Files.isExecutable(root.resolve("usr/bin/bwrap"));
        boolean userNamespaces = positive(root.resolve("proc/sys/user/max_user_namespaces"));
        boolean rootUser = uid(root.resolve("proc/self/status")) == 0;
        CgroupLayout cgroups = CgroupLayout.of(root);
        List<Mechanism> rows = new ArrayList<>();
        rows.add(new Mechanism("clean process environment", true, true,
                "only Lambda's variables and the function's own; nothing of the server's"));
        rows.add(new Mechanism("kill the whole process group", setsid, setsid,
                setsid ? "/usr/bin/setsid: each runtime leads its own session" : "no /usr/bin/setsid (util-linux)"));
        rows.add(new Mechanism("runtimes left by a killed server are killed", true, true,
                "pid files under <data-dir>/run"));
        rows.add(new Mechanism("read-only code, private /tmp, no host files", bwrap && userNamespaces, false,
                bwrap ? (userNamespaces ? "bubblewrap and user namespaces present" : "user namespaces disabled")
                        : "no /usr/bin/bwrap (apt-get install bubblewrap)"));
        rows.add(new Mechanism("own PID namespace, unprivileged user", bwrap && userNamespaces, false,
                bwrap && userNamespaces ? "bubblewrap" : "needs bubblewrap and user namespaces"));
        rows.add(new Mechanism("network: own Runtime API only", rootUser || (bwrap && userNamespaces), false,
                rootUser ? "root: network namespaces" : "bubblewrap --unshare-net"));
        for (String controller : List.of("memory", "cpu", "pids", "freezer")) {
            boolean usable = rootUser && cgroups.has(controller);
            rows.add(new Mechanism(controller + " (cgroup " + cgroups.version() + ")", usable, false,
                    !cgroups.has(controller) ? "controller not mounted"
                            : rootUser ? "writable by root" : "needs root or a delegated cgroup"));
        }
        return new IsolationReport(rows);
    }

    /** The mechanisms a host offers that Ember does not apply: what an operator must know. */
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
        return "Execution environments are not sandboxed yet; not enforced: "
                + notEnforced().stream().map(Mechanism::name).collect(Collectors.joining(", "))
                + " (./ember doctor shows what this host offers)";
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static boolean positive(Path file) {
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

    /** Which cgroup hierarchy the host has and which controllers it mounts. */
    record CgroupLayout(String version, List<String> controllers) {

        static CgroupLayout of(Path root) {
            Path cgroup = root.resolve("sys/fs/cgroup");
            if (Files.exists(cgroup.resolve("cgroup.controllers"))) {
                try {
                    return new CgroupLayout("v2", List.of(Files.readString(cgroup.resolve("cgroup.controllers"))
                            .trim().split("\\s+")));
                } catch (IOException e) {
                    return new CgroupLayout("v2", List.of());
                }
            }
            List<String> mounted = new ArrayList<>();
            for (String controller : List.of("memory", "cpu", "pids", "freezer")) {
                if (Files.isDirectory(cgroup.resolve(controller))) {
                    mounted.add(controller);
                }
            }
            return new CgroupLayout(mounted.isEmpty() ? "none" : "v1", mounted);
        }

        boolean has(String controller) {
            return controllers.contains(controller.toLowerCase(Locale.ROOT));
        }
    }
}
