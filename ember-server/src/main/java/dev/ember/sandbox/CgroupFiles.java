package dev.ember.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Reading and writing the small control files of cgroup file systems, shared by v1 and v2. */
final class CgroupFiles {
    /** How long a removal keeps retrying while the kernel still counts exiting processes in the group. */
    private static final long REMOVE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long freezing waits for every task to stop (tasks in uninterruptible sleep take a while). */
    static final long FREEZE_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private CgroupFiles() {
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
    }

    /** The number in a one-number file, or -1 when it cannot be read. */
    static long readLong(Path file) {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The value of {@code key} in a flat-keyed file ({@code "key value"} lines), or 0. */
    static long readKeyed(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key + ' ')) {
                    return Long.parseLong(line.substring(key.length() + 1).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // A group that is gone counted nothing more.
        }
        return 0;
    }

    /** The pids in a {@code cgroup.procs} file. */
    static List<Long> pids(Path procs) {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | NumberFormatException e) {
            return pids;
        }
        return pids;
    }

    /** SIGKILLs every process in {@code procs}. */
    static void killAll(Path procs) {
        for (long pid : pids(procs)) {
            Linux.kill(pid, Linux.SIGKILL);
        }
    }

    /**
     * Removes a group directory: rmdir fails with EBUSY while the kernel still counts exiting tasks, so it kills
     * what is left and retries for a bounded time.
     *
     * @return whether it is gone
     */
    static boolean removeDirectory(Path group, Path procs) {
        long deadline = System.nanoTime() + REMOVE_PATIENCE_NANOS;
        while (true) {
            try {
                Files.deleteIfExists(group);
                return true;
            } catch (DirectoryNotEmptyException e) {
                return false; // a child group: not one of ours
            } catch (FileSystemException e) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                killAll(procs);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** A control file kept open, written and re-read in place: a freeze or thaw costs two system calls. */
    static final class OpenFile implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(512);

        OpenFile(Path file) throws IOException {
            this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        synchronized void write(String value) throws IOException {
            channel.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.US_ASCII)), 0);
        }

        synchronized String read() throws IOException {
            buffer.clear();
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // Control files are tiny: one read.
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        }

        @Override
        public synchronized void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing to release.
            }
        }
    }
}
