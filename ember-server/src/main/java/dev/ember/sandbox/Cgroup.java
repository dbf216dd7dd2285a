package dev.ember.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * One execution environment's control group: its memory, CPU and process limits, its freezer, and what the kernel
 * counted for it. Implemented for cgroup v1 ({@link CgroupV1}) and the unified v2 hierarchy ({@link CgroupV2}).
 */
sealed interface Cgroup permits CgroupV1.Group, CgroupV2.Group {

    /** The {@code cgroup.procs} files a process writes its pid to, to join every controller. */
    List<Path> procsFiles();

    /** Sets the CPU share: {@code millicores} thousandths of one core (1,000 = a full core). */
    void cpu(int millicores);

    /** Stops every process of the group; returns when they are stopped (or after a bounded wait). */
    void freeze();

    /** Lets the group's processes run again. */
    void thaw();

    /** The highest memory use the kernel charged to the group, in bytes; -1 when not measured. */
    long peakBytes();

    /** How many times the kernel's OOM killer killed a process of the group for exceeding its memory limit. */
    long oomKills();

    /** SIGKILLs every process still in the group (frozen ones too) and removes it; retried until empty. */
    void remove();
}
