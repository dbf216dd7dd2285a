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

    /**
     * A control file kept open and re-read in place: a freeze, a thaw or a read of a counter costs one or two system
     * calls, not an open, a read and a close. Environments read their memory counters after every invocation.
     */
    static final class OpenFile implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(512);

        private OpenFile(FileChannel channel) {
            this.channel = channel;
        }

        /** A control file the server writes (and reads back). */
        static OpenFile forWriting(Path file) throws IOException {
            return new OpenFile(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
        }

        /** A counter the server only reads; null when this kernel does not have it. */
        static OpenFile forReading(Path file) {
            try {
                return new OpenFile(FileChannel.open(file, StandardOpenOption.READ));
            } catch (IOException e) {
                return null;
            }
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

        /** The number the file holds, or -1 when it cannot be read (the group is gone). */
        long readLong() {
            try {
                return Long.parseLong(read().trim());
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }

        /** The value of {@code key} in a flat-keyed file ({@code "key value"} lines), or 0. */
        long readKeyed(String key) {
            try {
                for (String line : read().split("\n")) {
                    if (line.startsWith(key + ' ')) {
                        return Long.parseLong(line.substring(key.length() + 1).trim());
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // A group that is gone counted nothing more.
            }
            return 0;
        }

        /**
         * Waits until the file reads {@code state} (a freezer reports FREEZING while a task is in uninterruptible
         * sleep), at most {@link #FREEZE_PATIENCE_NANOS}.
         */
        void await(String state) throws IOException {
            long deadline = System.nanoTime() + FREEZE_PATIENCE_NANOS;
            while (!read().contains(state) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000);
            }
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
