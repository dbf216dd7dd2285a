package dev.ember.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.sandbox.IsolationReport.Mechanism;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report on fake host trees, so each answer is checked whatever machine runs the tests. */
class IsolationReportTest {
    @TempDir
    Path host;

    private void file(String path, String content) throws IOException {
        Path file = host.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void executable(String path) throws IOException {
        file(path, "#!/bin/sh\n");
        Files.setPosixFilePermissions(host.resolve(path), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Mechanism row(IsolationReport report, String prefix) {
        return report.mechanisms().stream().filter(m -> m.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void rootWithBubblewrapAndCgroupV1OffersEverythingButEnforcesOnlyWhatEmberDoesToday() throws IOException {
        file("proc/self/status", "Name:\tjava\nUid:\t0\t0\t0\t0\n");
        file("proc/sys/user/max_user_namespaces", "96364\n");
        executable("usr/bin/bwrap");
        executable("usr/bin/setsid");
        for (String controller : new String[] {"memory", "cpu", "pids", "freezer"}) {
            Files.createDirectories(host.resolve("sys/fs/cgroup").resolve(controller));
        }

        IsolationReport report = IsolationReport.probe(host);

        assertThat(report.mechanisms()).allMatch(Mechanism::available);
        assertThat(row(report, "memory").name()).isEqualTo("memory (cgroup v1)");
        assertThat(row(report, "kill the whole process group").enforced()).isTrue();
        assertThat(report.notEnforced()).extracting(Mechanism::name)
                .contains("read-only code, private /tmp, no host files", "memory (cgroup v1)");
        assertThat(report.warning()).contains("not sandboxed yet").contains("freezer (cgroup v1)");
    }

    @Test
    void unprivilegedHostWithoutBubblewrapSaysWhatIsMissing() throws IOException {
        file("proc/self/status", "Uid:\t1000\t1000\t1000\t1000\n");
        file("proc/sys/user/max_user_namespaces", "0\n");
        file("sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");

        IsolationReport report = IsolationReport.probe(host);

        assertThat(row(report, "read-only code").available()).isFalse();
        assertThat(row(report, "read-only code").detail()).contains("apt-get install bubblewrap");
        assertThat(row(report, "memory").name()).isEqualTo("memory (cgroup v2)");
        assertThat(row(report, "memory").detail()).isEqualTo("needs root or a delegated cgroup");
        assertThat(row(report, "freezer").detail()).isEqualTo("controller not mounted");
        assertThat(row(report, "kill the whole process group").enforced()).isFalse();
    }

    @Test
    void tableHasOneLinePerMechanismUnderAHeader() {
        IsolationReport report = IsolationReport.probe();

        String[] lines = report.table().split("\n");
        assertThat(lines[0]).startsWith("MECHANISM").contains("AVAILABLE").contains("ENFORCED");
        assertThat(lines).hasSize(report.mechanisms().size() + 1);
    }
}
