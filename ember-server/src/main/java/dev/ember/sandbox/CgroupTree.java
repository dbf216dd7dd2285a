package dev.ember.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The control-group subtree one Ember server owns ({@code ember/<server>} under each controller), in which it makes a
 * group per execution environment. Groups a killed server left behind are reaped when the next one starts on the same
 * data directory.
 */
sealed interface CgroupTree permits CgroupV1, CgroupV2 {

    /** The controllers Ember can use to limit environments: any of memory, cpu, pids, freezer. */
    List<String> controllers();

    /** {@code v1} or {@code v2}. */
    String version();

    /**
     * Creates the group of one environment with its limits.
     *
     * @param memoryBytes the memory cap (anonymous memory, page cache and tmpfs together); no swap
     * @param millicores  the CPU share, thousandths of a core
     * @param maxPids     the most processes and threads at once
     */
    Cgroup create(String name, long memoryBytes, int millicores, int maxPids) throws IOException;

    /** Removes this server's subtree, once its environments' groups are gone. */
    void close();

    /**
     * The subtree of the server whose data directory hashes to {@code serverName}, under the host's cgroup file
     * system at {@code root}; null when this host has no usable controller (none mounted, or not writable).
     */
    static CgroupTree open(Path root, String serverName) {
        Path cgroup = root.resolve("sys/fs/cgroup");
        try {
            if (Files.exists(cgroup.resolve("cgroup.controllers"))) {
                return CgroupV2.open(cgroup, serverName);
            }
            return CgroupV1.open(cgroup, serverName);
        } catch (IOException e) {
            return null;
        }
    }
}
