package dev.ember.sandbox;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * cgroup v1: one hierarchy per controller ({@code /sys/fs/cgroup/memory}, {@code cpu}, {@code pids}, {@code freezer}),
 * so an environment's group is one directory in each, and a process joins by writing its pid to each
 * {@code cgroup.procs}.
 */
final class CgroupV1 implements CgroupTree {
    private static final System.Logger LOG = System.getLogger(CgroupV1.class.getName());
    private static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids", "freezer");
    /**
     * 20 ms rather than the default 100 ms: a 128 MB function's share (7 %) then comes as 1.4 ms every 20 ms, so a
     * short burst waits at most one short period instead of up to 93 ms.
     */
    private static final int CFS_PERIOD_US = 20_000;

    /** Controller name → this server's subtree in it. */
    private final Map<String, Path> subtrees;

    private CgroupV1(Map<String, Path> subtrees) {
        this.subtrees = subtrees;
    }

    static CgroupV1 open(Path cgroupRoot, String serverName) throws IOException {
        Map<String, Path> subtrees = new LinkedHashMap<>();
        for (String controller : CONTROLLERS) {
            Path hierarchy = cgroupRoot.resolve(controller);
            if (!Files.isDirectory(hierarchy) || !Files.isWritable(hierarchy)) {
                continue;
            }
            Path subtree = hierarchy.resolve("ember").resolve(serverName);
            try {
                Files.createDirectories(subtree);
            } catch (IOException e) {
                continue; // read-only (a container without cgroup delegation): this controller is not usable
            }
            subtrees.put(controller, subtree);
        }
        if (subtrees.isEmpty()) {
            throw new IOException("no writable cgroup v1 controller");
        }
        var tree = new CgroupV1(subtrees);
        tree.reapLeftovers();
        return tree;
    }

    @Override
    public List<String> controllers() {
        return List.copyOf(subtrees.keySet());
    }

    @Override
    public String version() {
        return "v1";
    }

    /** Kills and removes the groups an earlier server on the same data directory left (it was killed). */
    private void reapLeftovers() throws IOException {
        Set<String> reaped = new HashSet<>();
        for (Path subtree : subtrees.values()) {
            try (var groups = Files.list(subtree)) {
                for (Path group : groups.filter(Files::isDirectory).toList()) {
                    Path state = group.resolve("freezer.state");
                    if (Files.exists(state)) {
                        CgroupFiles.write(state, "THAWED"); // frozen tasks cannot die until thawed
                    }
                    CgroupFiles.killAll(group.resolve("cgroup.procs"));
                    if (CgroupFiles.removeDirectory(group, group.resolve("cgroup.procs"))) {
                        reaped.add(group.getFileName().toString()); // one environment has a group per controller
                    }
                }
            }
        }
        if (!reaped.isEmpty()) {
            LOG.log(Level.WARNING, "Removed {0} cgroup(s) of environments left by an earlier server", reaped.size());
        }
    }

    @Override
    public Cgroup create(String name, long memoryBytes, int millicores, int maxPids) throws IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> subtree : subtrees.entrySet()) {
                Path dir = subtree.getValue().resolve(name);
                Files.createDirectory(dir);
                dirs.put(subtree.getKey(), dir);
            }
            var group = new Group(dirs);
            group.limit(memoryBytes, millicores, maxPids);
            return group;
        } catch (IOException | RuntimeException e) {
            dirs.values().forEach(dir -> CgroupFiles.removeDirectory(dir, dir.resolve("cgroup.procs")));
            throw e;
        }
    }

    @Override
    public void close() {
        subtrees.values().forEach(subtree -> CgroupFiles.removeDirectory(subtree, subtree.resolve("cgroup.procs")));
    }

    static final class Group implements Cgroup {
        private final Map<String, Path> dirs;
        private final CgroupFiles.OpenFile freezerState;
        private final CgroupFiles.OpenFile peak;       // memory.max_usage_in_bytes, or null
        private final CgroupFiles.OpenFile oomControl; // memory.oom_control, or null

        private Group(Map<String, Path> dirs) throws IOException {
            this.dirs = dirs;
            Path freezer = dirs.get("freezer");
            this.freezerState = freezer == null ? null
                    : CgroupFiles.OpenFile.forWriting(freezer.resolve("freezer.state"));
            Path memory = dirs.get("memory");
            this.peak = memory == null ? null
                    : CgroupFiles.OpenFile.forReading(memory.resolve("memory.max_usage_in_bytes"));
            this.oomControl = memory == null ? null
                    : CgroupFiles.OpenFile.forReading(memory.resolve("memory.oom_control"));
        }

        private void limit(long memoryBytes, int millicores, int maxPids) throws IOException {
            Path memory = dirs.get("memory");
            if (memory != null) {
                // The memory limit before memory+swap: memsw may never be below it, and it starts unlimited.
                CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
                Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
                if (Files.exists(memsw)) {
                    CgroupFiles.write(memsw, Long.toString(memoryBytes));
                }
            }
            cpu(millicores);
            Path pids = dirs.get("pids");
            if (pids != null) {
                CgroupFiles.write(pids.resolve("pids.max"), Integer.toString(maxPids));
            }
        }

        @Override
        public List<Path> procsFiles() {
            List<Path> files = new ArrayList<>(dirs.size());
            dirs.values().forEach(dir -> files.add(dir.resolve("cgroup.procs")));
            return files;
        }

        @Override
        public void cpu(int millicores) {
            Path cpu = dirs.get("cpu");
            if (cpu != null) {
                try {
                    CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Integer.toString(CFS_PERIOD_US));
                    long quota = Math.max(1000, (long) CFS_PERIOD_US * millicores / 1000);
                    CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot set the CPU quota of " + cpu, e);
                }
            }
        }

        @Override
        public void freeze() {
            if (freezerState == null) {
                return;
            }
            try {
                freezerState.write("FROZEN");
                freezerState.await("FROZEN");
            } catch (IOException e) {
                // The group is being removed.
            }
        }

        @Override
        public void thaw() {
            if (freezerState != null) {
                try {
                    freezerState.write("THAWED");
                } catch (IOException e) {
                    // The group is being removed.
                }
            }
        }

        @Override
        public long peakBytes() {
            return peak == null ? -1 : peak.readLong();
        }

        @Override
        public long oomKills() {
            // Not memory.failcnt: it stays 0 when the OOM killer strikes (measured on kernel 6.18).
            return oomControl == null ? 0 : oomControl.readKeyed("oom_kill");
        }

        @Override
        public void remove() {
            Path procs = procsFiles().getFirst();
            CgroupFiles.killAll(procs);
            thaw(); // v1 frozen tasks stay in uninterruptible sleep, SIGKILL pending, until thawed
            for (CgroupFiles.OpenFile file : new CgroupFiles.OpenFile[] {freezerState, peak, oomControl}) {
                if (file != null) {
                    file.close();
                }
            }
            for (Path dir : dirs.values()) {
                if (!CgroupFiles.removeDirectory(dir, dir.resolve("cgroup.procs"))) {
                    LOG.log(Level.WARNING, "Cannot remove cgroup {0}; the next server start retries", dir);
                }
            }
        }
    }
}
