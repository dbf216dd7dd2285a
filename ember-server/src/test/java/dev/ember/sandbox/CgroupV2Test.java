package dev.ember.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The cgroup v2 implementation on a real unified hierarchy. On this project's hybrid hosts the v1 hierarchies hold
 * memory, cpu and pids, and {@code /sys/fs/cgroup/unified} is a cgroup2 mount without controllers, which still has
 * v2's built-in freezer and {@code cgroup.kill}: enough to run the freeze, thaw, kill and removal paths for real.
 */
class CgroupV2Test {
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");

    @Test
    void freezesThawsKillsAndRemovesOnAUnifiedHierarchy() throws Exception {
        assumeTrue(Linux.geteuid() == 0 && Files.exists(UNIFIED.resolve("cgroup.controllers")),
                "needs root and a cgroup2 mount at " + UNIFIED);
        String server = "test-" + ProcessHandle.current().pid();
        CgroupV2 tree = CgroupV2.open(UNIFIED, server);
        assertThat(tree.version()).isEqualTo("v2");
        assertThat(tree.controllers()).contains("freezer");

        Cgroup group = tree.create("env", 128L << 20, 100, 64);
        Path dir = UNIFIED.resolve("ember").resolve(server).resolve("env");
        Path procs = group.procsFiles().getFirst();
        assertThat(procs).isEqualTo(dir.resolve("cgroup.procs"));
        Process sleeper = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + procs + " && exec sleep 60").start();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> CgroupFiles.pids(procs).contains(sleeper.pid()));

        group.freeze();
        assertThat(Files.readString(dir.resolve("cgroup.events"))).contains("frozen 1");
        group.thaw();
        assertThat(Files.readString(dir.resolve("cgroup.events"))).contains("frozen 0");
        group.freeze(); // removal kills frozen processes too
        assertThat(group.oomKills()).isZero();

        group.remove();
        assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dir).doesNotExist();
        tree.close();
        assertThat(UNIFIED.resolve("ember").resolve(server)).doesNotExist();
    }

    @Test
    void aRestartedServerReapsTheGroupsItsPredecessorLeft() throws Exception {
        assumeTrue(Linux.geteuid() == 0 && Files.exists(UNIFIED.resolve("cgroup.controllers")),
                "needs root and a cgroup2 mount at " + UNIFIED);
        String server = "test-reap-" + ProcessHandle.current().pid();
        CgroupV2 killed = CgroupV2.open(UNIFIED, server);
        Path procs = killed.create("left", 128L << 20, 100, 64).procsFiles().getFirst();
        Process orphan = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + procs + " && exec sleep 60").start();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> CgroupFiles.pids(procs).contains(orphan.pid()));

        CgroupV2 next = CgroupV2.open(UNIFIED, server);

        assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(procs.getParent()).doesNotExist();
        next.close();
    }
}
