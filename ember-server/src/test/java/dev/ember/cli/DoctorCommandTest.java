package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    @Test
    void printsTheIsolationTable() {
        Ember.Run run = Ember.run(new CliContext(Map.of(), InstantSource.system(), false), "doctor");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("MECHANISM").contains("ENFORCED").contains("clean process environment");
    }
}
