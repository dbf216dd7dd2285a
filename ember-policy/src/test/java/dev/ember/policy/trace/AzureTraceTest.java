package dev.ember.policy.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureTraceTest {
    @TempDir
    Path dir;

    @Test
    void writtenTracesReadBackAsTheyWere() throws IOException {
        List<TraceFunction> trace = TraceGenerator.generate(TraceGenerator.Scenario.AZURE, 30, 3, 5);

        AzureTrace.write(dir, trace, 3);
        List<TraceFunction> read = AzureTrace.read(dir);

        assertThat(dir.resolve("invocations_per_function_md.anon.d01.csv")).exists();
        assertThat(dir.resolve("function_durations_percentiles.anon.d03.csv")).exists();
        assertThat(dir.resolve("app_memory_percentiles.anon.d02.csv")).exists();
        assertThat(read).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(read.get(i).perMinute()).isEqualTo(trace.get(i).perMinute());
            assertThat(read.get(i).trigger()).isEqualTo(trace.get(i).trigger());
            assertThat(read.get(i).durationMs()[3]).isCloseTo(trace.get(i).durationMs()[3],
                    org.assertj.core.api.Assertions.within(1.0));
            assertThat(read.get(i).memoryMb()).isCloseTo(trace.get(i).memoryMb(),
                    org.assertj.core.api.Assertions.within(1.0));
        }
    }

    @Test
    void aDirectoryWithoutATraceIsAClearError() throws IOException {
        Files.writeString(dir.resolve("readme.txt"), "not a trace");

        assertThatThrownBy(() -> AzureTrace.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("no invocations_per_function_md.anon.dNN.csv");
    }

    @Test
    void executionTimesAreDrawnBetweenThePublishedPercentiles() {
        var f = new TraceFunction("o", "a", "f", "http", new int[1440],
                new double[] {10, 20, 100, 200, 300, 900, 1000}, 128);

        assertThat(f.sampleDurationMs(0)).isEqualTo(10);
        assertThat(f.sampleDurationMs(0.5)).isEqualTo(200);
        assertThat(f.sampleDurationMs(0.625)).isEqualTo(250);
        assertThat(f.sampleDurationMs(0.995)).isEqualTo(950);
    }
}
