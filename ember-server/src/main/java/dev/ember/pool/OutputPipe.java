package dev.ember.pool;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A named pipe that carries a runtime process's stdout and stderr to the server.
 *
 * <p>Why not the pipe {@link ProcessBuilder} makes: its stream is a synchronized {@code BufferedInputStream}, so
 * {@code available()} blocks while the reader thread waits in {@code read()}. An invocation must know whether what
 * the runtime printed before answering is still in the pipe (it belongs before the invocation's END line and in its
 * log tail); on a stream of our own, {@link #pending()} asks the kernel ({@code FIONREAD}) without waiting.
 */
final class OutputPipe implements AutoCloseable {
    private final Path path;
    private volatile FileInputStream in;
    private volatile boolean closed;

    private OutputPipe(Path path) {
        this.path = path;
    }

    /** Creates the FIFO at {@code path}, readable and writable by the owner only. */
    static OutputPipe create(Path path) {
        Posix.mkfifo(path, 0600);
        return new OutputPipe(path);
    }

    /** Where the process's output is redirected to. */
    Path path() {
        return path;
    }

    /**
     * Opens the read end. Blocks until the process opens the write end (when it starts) or {@link #close()} is
     * called; then the name is removed from the file system.
     */
    InputStream openForReading() throws IOException {
        FileInputStream stream = new FileInputStream(path.toFile());
        in = stream;
        Files.deleteIfExists(path);
        if (closed) {
            stream.close();
        }
        return stream;
    }

    /** Bytes written by the process and not yet read; 0 before opening and after closing. */
    int pending() {
        FileInputStream stream = in;
        try {
            return stream == null ? 0 : stream.available();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Closes the read end; a reader still waiting for a writer (the process never started) gets end-of-file. */
    @Override
    @SuppressWarnings("try") // the write end is opened only to be closed
    public void close() {
        closed = true;
        FileInputStream stream = in;
        if (stream == null) {
            try (var unblock = new FileOutputStream(path.toFile())) {
                // Opening the write end lets a pending open return; closing it gives the reader end-of-file.
            } catch (IOException e) {
                // The FIFO is gone already: the reader had opened it.
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // Removed with the run directory at the next start.
            }
            stream = in;
        }
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                // Nothing more to read.
            }
        }
    }
}
