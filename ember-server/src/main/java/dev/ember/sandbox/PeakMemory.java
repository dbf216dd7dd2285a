package dev.ember.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a process's peak resident memory ({@code VmHWM} in {@code /proc/<pid>/status}). The file stays open and is
 * re-read from offset 0, so the per-invocation cost is one {@code pread}, not an open/read/close and a decode.
 */
final class PeakMemory implements AutoCloseable {
    private static final byte[] FIELD = "VmHWM:".getBytes(StandardCharsets.US_ASCII);

    private final FileChannel status;
    private final ByteBuffer buffer = ByteBuffer.allocate(4096);

    private PeakMemory(FileChannel status) {
        this.status = status;
    }

    /** For the process {@code pid}; null when it is gone already. */
    static PeakMemory of(long pid) {
        try {
            return new PeakMemory(FileChannel.open(Path.of("/proc", Long.toString(pid), "status"),
                    StandardOpenOption.READ));
        } catch (IOException e) {
            return null;
        }
    }

    /** The peak in kB, or 0 when the process has ended. */
    synchronized long kilobytes() {
        buffer.clear();
        try {
            while (buffer.hasRemaining() && status.read(buffer, buffer.position()) > 0) {
                // A status file is a few hundred bytes; it normally arrives in one read.
            }
        } catch (IOException e) {
            return 0;
        }
        return parse(buffer.array(), buffer.position());
    }

    /** Finds {@code VmHWM:   1234 kB} in the first {@code length} bytes. */
    static long parse(byte[] text, int length) {
        outer:
        for (int i = 0; i + FIELD.length <= length; i++) {
            for (int j = 0; j < FIELD.length; j++) {
                if (text[i + j] != FIELD[j]) {
                    continue outer;
                }
            }
            long value = 0;
            for (int k = i + FIELD.length; k < length && text[k] != '\n'; k++) {
                if (text[k] >= '0' && text[k] <= '9') {
                    value = value * 10 + (text[k] - '0');
                }
            }
            return value;
        }
        return 0;
    }

    @Override
    public synchronized void close() {
        try {
            status.close();
        } catch (IOException e) {
            // Nothing to release.
        }
    }
}
