package dev.ember.sandbox;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The unified cgroup v2 hierarchy: an environment's group is one directory, {@code ember/<server>/<env>}, with every
 * enabled controller in it. Controllers must be enabled top-down in each parent's {@code cgroup.subtree_control};
 * no process may live in {@code ember/} itself (the no-internal-process rule), which holds: only environments join.
 * Under systemd the server needs a delegated subtree ({@code Delegate=yes}) for the writes to succeed.
 */
final class CgroupV2 implements CgroupTree {
    private static final System.Logger LOG = System.getLogger(CgroupV2.class.getName());
    private static final List<String> WANTED = List.of("memory", "cpu", "pids");
    /** As in {@link CgroupV1}: short periods keep a small share's bursts short. */
    private static final int CPU_PERIOD_US = 20_000;

    private final Path subtree;
    private final List<String> controllers;

    private CgroupV2(Path subtree, List<String> controllers) {
        this.subtree = subtree;
        this.controllers = controllers;
    }

    static CgroupV2 open(Path cgroupRoot, String serverName) throws IOException {
        List<String> available = List.of(Files.readString(cgroupRoot.resolve("cgroup.controllers"),
                StandardCharsets.US_ASCII).trim().split("\\s+"));
        Path ember = cgroupRoot.resolve("ember");
        Path subtree = ember.resolve(serverName);
        Files.createDirectories(subtree);
        List<String> enabled = new ArrayList<>();
        for (String controller : WANTED) {
            if (available.contains(controller) && enable(controller, cgroupRoot, ember, subtree)) {
                enabled.add(controller);
            }
        }
        if (Files.exists(subtree.resolve("cgroup.freeze"))) {
            enabled.add("freezer"); // v2's freezer is built into every non-root group
        }
        if (enabled.isEmpty()) {
            throw new IOException("no usable cgroup v2 controller under " + subtree);
        }
        var tree = new CgroupV2(subtree, List.copyOf(enabled));
        tree.reapLeftovers();
        return tree;
    }

    private static boolean enable(String controller, Path... parents) {
        for (Path parent : parents) {
            try {
                CgroupFiles.write(parent.resolve("cgroup.subtree_control"), "+" + controller);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<String> controllers() {
        return controllers;
    }

    @Override
    public String version() {
        return "v2";
    }

    private void reapLeftovers() throws IOException {
        int reaped = 0;
        try (var groups = Files.list(subtree)) {
            for (Path group : groups.filter(Files::isDirectory).toList()) {
                new Group(group, false).remove();
                reaped++;
            }
        }
        if (reaped > 0) {
            LOG.log(Level.WARNING, "Removed {0} cgroup(s) of environments left by an earlier server", reaped);
        }
    }

    @Override
    public Cgroup create(String name, long memoryBytes, int millicores, int maxPids) throws IOException {
        Path dir = subtree.resolve(name);
        Files.createDirectory(dir);
        try {
            var group = new Group(dir, controllers.contains("freezer"));
            if (controllers.contains("memory")) {
                CgroupFiles.write(dir.resolve("memory.max"), Long.toString(memoryBytes));
                writeIfPresent(dir.resolve("memory.swap.max"), "0");
                writeIfPresent(dir.resolve("memory.oom.group"), "1"); // an OOM kill takes the whole environment
            }
            group.cpu(millicores);
            if (controllers.contains("pids")) {
                CgroupFiles.write(dir.resolve("pids.max"), Integer.toString(maxPids));
            }
            return group;
        } catch (IOException | RuntimeException e) {
            CgroupFiles.removeDirectory(dir, dir.resolve("cgroup.procs"));
            throw e;
        }
    }

    private static void writeIfPresent(Path file, String value) throws IOException {
        if (Files.exists(file)) {
            CgroupFiles.write(file, value);
        }
    }

    @Override
    public void close() {
        CgroupFiles.removeDirectory(subtree, subtree.resolve("cgroup.procs"));
    }

    static final class Group implements Cgroup {
        private final Path dir;
        private final CgroupFiles.OpenFile freeze;
        private final CgroupFiles.OpenFile events;
        private final CgroupFiles.OpenFile peak;         // memory.peak (kernel 5.19 and later), or null
        private final CgroupFiles.OpenFile memoryEvents; // or null without the memory controller

        private Group(Path dir, boolean freezer) throws IOException {
            this.dir = dir;
            this.freeze = freezer ? CgroupFiles.OpenFile.forWriting(dir.resolve("cgroup.freeze")) : null;
            this.events = freezer ? CgroupFiles.OpenFile.forReading(dir.resolve("cgroup.events")) : null;
            this.peak = CgroupFiles.OpenFile.forReading(dir.resolve("memory.peak"));
            this.memoryEvents = CgroupFiles.OpenFile.forReading(dir.resolve("memory.events"));
        }

        @Override
        public List<Path> procsFiles() {
            return List.of(dir.resolve("cgroup.procs"));
        }

        @Override
        public void cpu(int millicores) {
            Path max = dir.resolve("cpu.max");
            if (Files.exists(max)) {
                long quota = Math.max(1000, (long) CPU_PERIOD_US * millicores / 1000);
                try {
                    CgroupFiles.write(max, quota + " " + CPU_PERIOD_US);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot set the CPU quota of " + dir, e);
                }
            }
        }

        @Override
        public void freeze() {
            if (freeze == null) {
                return;
            }
            try {
                freeze.write("1");
                events.await("frozen 1");
            } catch (IOException e) {
                // The group is being removed.
            }
        }

        @Override
        public void thaw() {
            if (freeze != null) {
                try {
                    freeze.write("0");
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
            return memoryEvents == null ? 0 : memoryEvents.readKeyed("oom_kill");
        }

        @Override
        public void remove() {
            Path kill = dir.resolve("cgroup.kill"); // kernel 5.14 and later; kills frozen tasks too
            try {
                if (Files.exists(kill)) {
                    CgroupFiles.write(kill, "1");
                } else {
                    CgroupFiles.killAll(dir.resolve("cgroup.procs"));
                    thaw();
                }
            } catch (IOException e) {
                CgroupFiles.killAll(dir.resolve("cgroup.procs"));
            }
            for (CgroupFiles.OpenFile file : new CgroupFiles.OpenFile[] {freeze, events, peak, memoryEvents}) {
                if (file != null) {
                    file.close();
                }
            }
            if (!CgroupFiles.removeDirectory(dir, dir.resolve("cgroup.procs"))) {
                LOG.log(Level.WARNING, "Cannot remove cgroup {0}; the next server start retries", dir);
            }
        }
    }
}
