package dev.ember.pool;

import java.nio.charset.StandardCharsets;

/**
 * The last {@code capacity} bytes of one invocation's log, for {@code X-Amz-Log-Type: Tail}. Lines of a function
 * that prints without end overwrite older ones; memory stays bounded.
 */
public final class LogTail {
    /** Lambda returns the last 4 KB. */
    public static final int LAMBDA_TAIL_BYTES = 4096;

    private final byte[] ring;
    private long written;

    /** A tail keeping the last {@code capacity} bytes. */
    public LogTail(int capacity) {
        this.ring = new byte[capacity];
    }

    /** Appends one line and its line break. */
    public synchronized void line(String text) {
        byte[] bytes = (text + '\n').getBytes(StandardCharsets.UTF_8);
        int from = Math.max(0, bytes.length - ring.length);
        for (int i = from; i < bytes.length; i++) {
            ring[(int) (written++ % ring.length)] = bytes[i];
        }
    }

    /** The retained text, oldest first; a character cut at the start is replaced. */
    @Override
    public synchronized String toString() {
        int size = (int) Math.min(written, ring.length);
        byte[] out = new byte[size];
        int start = (int) ((written - size) % ring.length);
        for (int i = 0; i < size; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
