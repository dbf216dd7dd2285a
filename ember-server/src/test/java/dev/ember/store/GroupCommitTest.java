package dev.ember.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent writers share commits, each gets its own result, and one failing write fails only its caller. */
class GroupCommitTest {
    @TempDir
    Path dataDir;

    @Test
    void everyWriterGetsWhatItsWorkReturnedAndAFailureStaysWithItsWriter() throws Exception {
        try (Database db = Database.open(dataDir)) {
            db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)"));
            try (var commits = new GroupCommit(db, "test", () -> new IllegalStateException("closed"));
                 ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int value = i % 100; // the second write of each value breaks the UNIQUE constraint
                    results.add(writers.submit(() -> commits.commit(c -> {
                        try (var insert = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                            insert.setInt(1, value);
                            insert.executeUpdate();
                        }
                        return value;
                    })));
                }
                int failed = 0;
                for (int i = 0; i < results.size(); i++) {
                    try {
                        assertThat(results.get(i).get()).isEqualTo(i % 100);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed++;
                    }
                }
                assertThat(failed).isEqualTo(100);
                commits.close();
                assertThatThrownBy(() -> commits.write(c -> { })).hasMessage("closed");
            }
            assertThat(db.<Integer>readOne(c -> {
                try (var rows = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
                    return rows.next() ? rows.getInt(1) : -1;
                }
            })).isEqualTo(100);
        }
    }
}
