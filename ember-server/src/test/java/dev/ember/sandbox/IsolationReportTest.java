package dev.ember.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.sandbox.IsolationReport.Mechanism;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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

    private static Mechanism row(IsolationReport report, String prefix) {
        return report.mechanisms().stream().filter(m -> m.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    private void rootWithEverything() throws IOException {
        file("proc/self/status", "Name:\tjava\nUid:\t0\t0\t0\t0\n");
        file("proc/sys/user/max_user_namespaces", "96364\n");
        for (String tool : List.of("bwrap", "setsid", "setpriv", "slirp4netns")) {
            executable("usr/bin/" + tool);
        }
        for (String controller : List.of("memory", "cpu", "pids", "freezer")) {
            Files.createDirectories(host.resolve("sys/fs/cgroup").resolve(controller));
        }
    }

    @Test
    void rootWithBubblewrapAndCgroupV1EnforcesEverything() throws IOException {
        rootWithEverything();

        IsolationReport report = IsolationReport.probe(host);

        assertThat(report.notEnforced()).isEmpty();
        assertThat(report.mechanisms()).allMatch(Mechanism::available);
        assertThat(row(report, "memory limit").name()).isEqualTo("memory limit (cgroup v1)");
        assertThat(row(report, "frozen while idle").detail()).contains("freezer");
        assertThat(row(report, "unprivileged user").detail()).contains("host uid of its own");
    }

    @Test
    void turnedOffByTheOperatorSaysSo() throws IOException {
        rootWithEverything();
        var facts = IsolationReport.Host.probe(host);

        IsolationReport report = IsolationReport.of(facts, false, List.of(), true);

        assertThat(row(report, "read-only code").available()).isTrue();
        assertThat(row(report, "read-only code").enforced()).isFalse();
        assertThat(row(report, "memory limit").detail()).contains("--isolation none");
        assertThat(row(report, "kill the whole process group").enforced()).isTrue();
        assertThat(report.warning()).contains("NOT fully isolated").contains("frozen while idle");
    }

    @Test
    void unprivilegedHostWithBubblewrapIsolatesFilesButNotResources() throws IOException {
        file("proc/self/status", "Uid:\t1000\t1000\t1000\t1000\n");
        file("proc/sys/user/max_user_namespaces", "100\n");
        executable("usr/bin/bwrap");
        file("sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");

        IsolationReport report = IsolationReport.probe(host);

        assertThat(row(report, "read-only code").enforced()).isTrue();
        assertThat(row(report, "own PID").enforced()).isTrue();
        assertThat(row(report, "unprivileged user").detail()).contains("user namespace");
        assertThat(row(report, "network").enforced()).isFalse();
        assertThat(row(report, "network").detail()).contains("needs root");
        assertThat(row(report, "memory limit").name()).isEqualTo("memory limit (cgroup v2)");
        assertThat(row(report, "memory limit").detail()).isEqualTo("needs root or a delegated cgroup");
        assertThat(row(report, "outbound").detail()).contains("apt-get install slirp4netns");
    }

    @Test
    void hostWithoutBubblewrapSaysWhatToInstall() throws IOException {
        file("proc/self/status", "Uid:\t0\t0\t0\t0\n");
        file("proc/sys/user/max_user_namespaces", "0\n");

        IsolationReport report = IsolationReport.probe(host);

        assertThat(row(report, "read-only code").available()).isFalse();
        assertThat(row(report, "read-only code").detail()).contains("apt-get install bubblewrap");
        assertThat(row(report, "frozen while idle").detail()).isEqualTo("controller not mounted");
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
