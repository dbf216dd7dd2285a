package dev.ember.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * How this server isolates execution environments, decided once at start from what the host offers (see
 * {@link IsolationReport}), and the launcher of every environment.
 *
 * <p>A sandboxed environment, when the server runs as root on a host with bubblewrap and cgroups:
 * <ul>
 *   <li><b>files</b>: bubblewrap shows a read-only root made for sandboxes, {@code /usr} read-only, the function's code
 *       read-only at {@value #TASK_ROOT}, a managed runtime's read-only at its own path (so that the JVM's AOT cache,
 *       which names its jars by path, is valid inside and out), and a private tmpfs {@code /tmp}
 *       of the function's ephemeral storage size; nothing of the data directory, other functions or home directories;
 *   <li><b>processes</b>: own PID, IPC and UTS namespaces; a host user id of its own (no capabilities, no new
 *       privileges); at most 1,024 open files and 1,024 processes;
 *   <li><b>network</b>: a network namespace of its own with only a loopback, on which its Runtime API listens
 *       ({@code 127.0.0.1:9001}); with outbound network on, slirp4netns adds a route out that cannot reach the
 *       host's loopback;
 *   <li><b>resources</b>: a control group capping memory at the function's memory, CPU at its share (1,769 MB = one
 *       core; a full core during init), processes at 1,024, and freezing it while idle.
 * </ul>
 * Without root, bubblewrap still isolates files and processes (in a user namespace) but not network or resources.
 * Without bubblewrap, or with {@link #none()}, runtimes are plain child processes.
 */
public final class Isolation implements AutoCloseable {
    /** Where the function's code is, inside a sandbox (Lambda's {@code LAMBDA_TASK_ROOT}). */
    public static final String TASK_ROOT = "/var/task";
    /** Lambda's limits on open files and on processes and threads. */
    static final int MAX_FILES = 1024;
    static final int MAX_PROCESSES = 1024;
    /** Lambda's CPU rule: a function with 1,769 MB gets one full vCPU. */
    static final int MB_PER_CORE = 1769;
    private static final System.Logger LOG = System.getLogger(Isolation.class.getName());
    private static final String BWRAP = "/usr/bin/bwrap";
    private static final String SETPRIV = "/usr/bin/setpriv";
    private static final String SLIRP4NETNS = "/usr/bin/slirp4netns";
    private static final int RUNTIME_API_PORT = 9001;
    private static final long NETWORK_READY_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Joins the control groups named before "--", lowers the limits, and execs the rest. Run by /bin/sh. */
    private static final String WRAPPER = """
            n=$1; p=$2; shift 2
            while [ "$1" != "--" ]; do echo $$ > "$1" || exit 121; shift; done; shift
            ulimit -n "$n" || exit 122
            ulimit -u "$p" 2>/dev/null || ulimit -p "$p" || exit 122
            exec "$@"
            """;

    private final IsolationReport report;
    private final boolean sandbox;
    private final boolean root;
    private final CgroupTree cgroups;
    private final Path rootfs;
    /** Mount points made in {@link #rootfs} for directories shown at their own paths. */
    private final Set<Path> mountPoints = new HashSet<>();
    private final boolean slirp;
    private final UidPool uids = new UidPool();
    private final Cleanups cleanups = new Cleanups();

    private Isolation(IsolationReport report, boolean sandbox, boolean root, CgroupTree cgroups, Path rootfs,
                      boolean slirp) {
        this.report = report;
        this.sandbox = sandbox;
        this.root = root;
        this.cgroups = cgroups;
        this.rootfs = rootfs;
        this.slirp = slirp;
    }

    /** Plain child processes, whatever the host offers (for comparison in benchmarks, or by the operator's choice). */
    public static Isolation none() {
        var host = IsolationReport.Host.probe(Path.of("/"));
        return new Isolation(IsolationReport.of(host, false, List.of(), true), false, false, null, null, false);
    }

    /**
     * Everything this host offers. Prepares the sandboxes' root directory under {@code sandboxDirectory} and this
     * server's control-group subtree (named after the directory, reaping groups a killed server left there).
     */
    public static Isolation forHost(Path sandboxDirectory) {
        var host = IsolationReport.Host.probe(Path.of("/"));
        boolean root = host.root();
        if (!host.canSandbox()) {
            return new Isolation(IsolationReport.of(host, false, List.of(), false), false, root, null, null, false);
        }
        try {
            Files.createDirectories(sandboxDirectory);
            Path rootfs = Rootfs.prepare(sandboxDirectory.resolve("rootfs"), Path.of("/"));
            CgroupTree cgroups = root ? CgroupTree.open(Path.of("/"), serverName(sandboxDirectory)) : null;
            boolean slirp = root && host.slirp();
            var report = IsolationReport.of(host, true, cgroups == null ? List.of() : cgroups.controllers(), false);
            return new Isolation(report, true, root, cgroups, rootfs, slirp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare sandboxes in " + sandboxDirectory, e);
        }
    }

    /** A short, stable name per data directory: a restarted server finds (and reaps) its predecessor's groups. */
    private static String serverName(Path directory) {
        String path = directory.toAbsolutePath().normalize().toString();
        return "server-" + HexFormat.of().toHexDigits(path.hashCode());
    }

    /** What is enforced and what is not. */
    public IsolationReport report() {
        return report;
    }

    /** Whether runtimes run in sandboxes (and see their code at {@link #TASK_ROOT}). */
    public boolean sandboxes() {
        return sandbox;
    }

    /** The task root as the runtime sees it. */
    public String taskRoot(Path hostTaskRoot) {
        return sandbox ? TASK_ROOT : hostTaskRoot.toString();
    }

    /**
     * Starts the runtime of one environment.
     *
     * @param openEndpoint binds the environment's Runtime API at the given address (inside the environment's network
     *                     when it has one of its own) and returns what the runtime gets as
     *                     {@code AWS_LAMBDA_RUNTIME_API}
     * @throws IOException when the process cannot be started; nothing of it is left
     */
    public Confinement launch(LaunchSpec spec, Function<InetSocketAddress, String> openEndpoint) throws IOException {
        if (!sandbox) {
            return launchPlain(spec, openEndpoint);
        }
        int uid = root ? uids.acquire() : -1;
        Cgroup cgroup = null;
        try {
            int steady = Math.max(1, (int) ((long) spec.memoryMb() * 1000 / MB_PER_CORE));
            if (cgroups != null) {
                // Init runs with at least a full core, as Lambda's init phase does; initialised() sets the share.
                cgroup = cgroups.create(spec.id(), (long) spec.memoryMb() << 20, Math.max(steady, 1000),
                        MAX_PROCESSES);
            }
            if (root) {
                Files.setAttribute(spec.output(), "unix:uid", uid); // so /dev/stdout can be reopened inside
            }
            List<Path> procs = cgroup == null ? List.of() : cgroup.procsFiles();
            ProcessBuilder builder = builder(command(spec, procs, uid), spec, Path.of("/"));
            Launched launched = root
                    ? Launcher.shared().run(() -> startInOwnNetwork(builder, spec, procs, openEndpoint))
                    : Launcher.shared().run(() -> {
                        builder.environment().put("AWS_LAMBDA_RUNTIME_API",
                                openEndpoint.apply(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
                        return new Launched(Forks.start(builder), null);
                    });
            return new Sandboxed(launched.process(), launched.network(), cgroup, steady, uid, uids::release,
                    cleanups);
        } catch (IOException | RuntimeException e) {
            if (cgroup != null) {
                cgroup.remove();
            }
            if (uid >= 0) {
                uids.release(uid);
            }
            throw e;
        }
    }

    private record Launched(Process process, Process network) {
    }

    /**
     * On the launcher thread: into a new network namespace, loopback up, the Runtime API bound there, slirp4netns
     * attached when outbound network is on, the runtime forked there (it inherits the namespace), and back.
     */
    private Launched startInOwnNetwork(ProcessBuilder builder, LaunchSpec spec, List<Path> procs,
                                       Function<InetSocketAddress, String> openEndpoint) throws IOException {
        Linux.unshareNetwork();
        Process network = null;
        int ownNetwork = -1;
        try {
            Linux.interfaceUp("lo");
            builder.environment().put("AWS_LAMBDA_RUNTIME_API", openEndpoint.apply(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), RUNTIME_API_PORT)));
            if (spec.outboundNetwork() && slirp) {
                ownNetwork = Linux.open("/proc/thread-self/ns/net");
                Linux.setNetwork(Launcher.shared().hostNetwork()); // slirp4netns must live in the host's namespace to reach out
                network = startSlirp(ownNetwork, procs);
                Linux.setNetwork(ownNetwork);
                awaitRoute(network);
            }
            return new Launched(Forks.start(builder), network);
        } catch (IOException | RuntimeException e) {
            if (network != null) {
                network.destroyForcibly();
            }
            throw e;
        } finally {
            if (ownNetwork >= 0) {
                Linux.close(ownNetwork);
            }
            Linux.setNetwork(Launcher.shared().hostNetwork());
        }
    }

    /**
     * slirp4netns, in the environment's control group (so it dies with it and counts against its limits), with the
     * host's loopback unreachable ({@code --disable-host-loopback}), in its own sandbox and seccomp filter.
     */
    private static Process startSlirp(int namespaceFd, List<Path> procs) throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "ember-network",
                Integer.toString(MAX_FILES), Integer.toString(MAX_PROCESSES)));
        procs.forEach(file -> command.add(file.toString()));
        command.addAll(List.of("--", SLIRP4NETNS, "--configure", "--mtu=65520", "--disable-host-loopback",
                "--enable-sandbox", "--enable-seccomp", "--netns-type=path",
                "/proc/" + ProcessHandle.current().pid() + "/fd/" + namespaceFd, "tap0"));
        return Forks.start(new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD));
    }

    /** Waits (on the launcher thread, inside the namespace) until slirp4netns has configured the default route. */
    private static void awaitRoute(Process network) throws IOException {
        long deadline = System.nanoTime() + NETWORK_READY_NANOS;
        Path routes = Path.of("/proc/thread-self/net/route");
        while (System.nanoTime() < deadline) {
            if (!network.isAlive()) {
                throw new IOException("slirp4netns exited with status " + network.exitValue());
            }
            for (String line : Files.readAllLines(routes, StandardCharsets.US_ASCII)) {
                if (line.startsWith("tap0\t00000000")) {
                    return;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        throw new IOException("slirp4netns did not configure the network within 2 s");
    }

    /**
     * Binds the host directory {@code dir} read-only at its own path. After {@code /tmp}, so that one under
     * {@code /tmp} (a data directory there) is not hidden by the private tmpfs.
     */
    private void showAtOwnPath(List<String> command, Path dir) {
        prepareMountPoint(dir);
        // Directories bubblewrap makes on the way would be private to root (0700): readable ones, made first.
        Path ancestor = Path.of("/");
        for (Path name : dir) {
            ancestor = ancestor.resolve(name);
            if (!ancestor.equals(Path.of("/tmp"))) {
                command.addAll(List.of("--perms", "0755", "--dir", ancestor.toString()));
            }
        }
        command.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
    }

    /**
     * Makes the directory {@code path} in the read-only root, once per path: bubblewrap cannot make a mount point
     * there. The directories on the way show nothing of the host.
     */
    private synchronized void prepareMountPoint(Path path) {
        if (!mountPoints.contains(path)) {
            try {
                Files.createDirectories(rootfs.resolve(path.toString().substring(1)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            mountPoints.add(path);
        }
    }

    /**
     * As root: {@code sh -c WRAPPER} (joins the control groups, sets the rlimits, execs) then bubblewrap, then setpriv
     * inside the sandbox to drop to the environment's own user id with no capabilities. Without root: bubblewrap in
     * a user namespace of its own, and the wrapper inside it: a per-user process limit set <em>before</em> the user
     * namespace exists would count every process of the server's user (its own threads included) against it.
     */
    private List<String> command(LaunchSpec spec, List<Path> procs, int uid) {
        List<String> limits = List.of("/bin/sh", "-c", WRAPPER, "ember-sandbox", Integer.toString(MAX_FILES),
                Integer.toString(MAX_PROCESSES));
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(limits);
            procs.forEach(file -> command.add(file.toString()));
            command.add("--");
        }
        command.add(BWRAP);
        if (!root) {
            command.addAll(List.of("--unshare-user", "--disable-userns", "--uid", "993", "--gid", "990"));
        }
        command.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--hostname", "localhost", "--die-with-parent", "--new-session",
                "--ro-bind", rootfs.toString(), "/",
                "--ro-bind", "/usr", "/usr"));
        command.addAll(List.of("--ro-bind", spec.taskRoot().toString(), TASK_ROOT));
        command.addAll(List.of("--size", Long.toString((long) spec.ephemeralStorageMb() << 20), "--perms", "1777",
                "--tmpfs", "/tmp", "--proc", "/proc"));
        for (Path dir : spec.readOnly()) {
            if (!dir.startsWith("/usr")) { // shown with /usr already
                showAtOwnPath(command, dir);
            }
        }
        for (String device : Rootfs.DEVICES) {
            command.addAll(List.of("--dev-bind", "/dev/" + device, "/dev/" + device));
        }
        command.addAll(List.of("--chdir", TASK_ROOT, "--"));
        if (root) {
            command.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"));
        } else {
            command.addAll(limits);
            command.add("--");
        }
        command.addAll(spec.command());
        return command;
    }

    private Confinement launchPlain(LaunchSpec spec, Function<InetSocketAddress, String> openEndpoint)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (Unconfined.SETSID != null) {
            // Makes the runtime the leader of a new session and process group (without forking: a freshly spawned
            // process is no group leader), so destroy() can kill the whole group.
            command.add(Unconfined.SETSID);
        }
        command.addAll(spec.command());
        ProcessBuilder builder = builder(command, spec, spec.taskRoot());
        builder.environment().put("AWS_LAMBDA_RUNTIME_API",
                openEndpoint.apply(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        return new Unconfined(Forks.start(builder));
    }

    private static ProcessBuilder builder(List<String> command, LaunchSpec spec, Path workingDirectory) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectOutput(spec.output().toFile())
                .redirectErrorStream(true)
                .redirectInput(spec.stdinPipe() ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(new HashMap<>(spec.environment()));
        return builder;
    }

    /**
     * Waits for environments being torn down (the caller destroyed them all) and removes this server's control
     * groups.
     */
    @Override
    public void close() {
        cleanups.await(10);
        if (cgroups != null) {
            cgroups.close();
        }
    }

    /** Logs, once at start, every mechanism this server does not enforce. */
    public void logWhatIsNotEnforced() {
        if (!report.notEnforced().isEmpty()) {
            LOG.log(Level.WARNING, report.warning());
        }
    }
}
