package dev.ember.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.telemetry.FunctionLogs.LogLine;
import dev.ember.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionLogsTest {
    private static final Instant START = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path dir;
    final TestClock clock = new TestClock(START);
    FunctionLogs logs;

    @AfterEach
    void close() {
        logs.close();
    }

    private List<String> read(String function, Instant since) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        logs.read(function, since, false, line -> lines.add(line.text()));
        return lines;
    }

    @Test
    void readsLinesSinceATimeInOrder() throws InterruptedException {
        logs = FunctionLogs.onDisk(dir, clock, 1 << 20, 2);
        logs.append("fn", "first");
        clock.advance(Duration.ofMinutes(5));
        logs.append("fn", "second");
        logs.append("other", "elsewhere");

        assertThat(read("fn", Instant.EPOCH)).containsExactly("first", "second");
        assertThat(read("fn", START.plusSeconds(60))).containsExactly("second");
        assertThat(read("missing", Instant.EPOCH)).isEmpty();
    }

    @Test
    void rotatesAndKeepsABoundedNumberOfFiles() throws Exception {
        logs = FunctionLogs.onDisk(dir, clock, 1000, 2);
        for (int i = 0; i < 500; i++) {
            logs.append("chatty", "line %03d %s".formatted(i, "x".repeat(50)));
        }
        logs.flushAll();

        try (Stream<Path> files = Files.list(dir.resolve("chatty"))) {
            assertThat(files.toList()).hasSizeLessThanOrEqualTo(3);
        }
        List<String> kept = read("chatty", Instant.EPOCH);
        assertThat(kept).isNotEmpty().hasSizeLessThan(500);
        assertThat(kept.getLast()).startsWith("line 499");
    }

    @Test
    void followingHandsOverNewLinesWithoutGapOrRepeat() throws Exception {
        logs = FunctionLogs.onDisk(dir, clock, 1 << 20, 2);
        logs.append("fn", "before");
        var seen = new LinkedBlockingQueue<String>();
        var stop = new CompletableFuture<Void>();
        Thread follower = Thread.ofVirtual().start(() -> {
            try {
                logs.read("fn", Instant.EPOCH, true, (LogLine line) -> {
                    if (line != null) {
                        seen.add(line.text());
                    }
                    return !stop.isDone();
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("before");
        logs.append("fn", "after");
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
        stop.complete(null);
        logs.append("fn", "wake the follower");
        follower.join(Duration.ofSeconds(10));
        assertThat(follower.isAlive()).isFalse();
    }

    @Test
    void manyFunctionsDoNotKeepAFileOpenEach() throws Exception {
        logs = FunctionLogs.onDisk(dir, clock, 1 << 20, 2);
        long before = openFiles();
        for (int i = 0; i < 300; i++) {
            logs.append("fn-" + i, "line " + i);
        }

        assertThat(openFiles() - before).isLessThanOrEqualTo(64);
        assertThat(read("fn-0", Instant.EPOCH)).containsExactly("line 0");
        logs.append("fn-0", "again");
        assertThat(read("fn-0", Instant.EPOCH)).containsExactly("line 0", "again");
    }

    private static long openFiles() throws java.io.IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aCarriageReturnInsideALineDoesNotSplitIt() throws InterruptedException {
        logs = FunctionLogs.onDisk(dir, clock, 1 << 20, 2);
        logs.append("progress", "10%\r20%\r30%");

        assertThat(read("progress", Instant.EPOCH)).containsExactly("10%\\r20%\\r30%");
    }

    @Test
    void deletingAFunctionRemovesItsLogs() throws InterruptedException {
        logs = FunctionLogs.onDisk(dir, clock, 1 << 20, 2);
        logs.append("gone", "line");
        logs.flushAll();

        logs.delete("gone");

        assertThat(dir.resolve("gone")).doesNotExist();
        assertThat(read("gone", Instant.EPOCH)).isEmpty();
    }
}
