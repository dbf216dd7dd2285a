package dev.ember.telemetry;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Predicate;

/**
 * The log of every function: its environments' stdout and stderr, and the platform's {@code START}, {@code END}
 * and {@code REPORT} lines. Kept on disk per function and rotated, so a function that prints without end costs
 * bounded disk.
 */
public interface FunctionLogs extends AutoCloseable {

    /**
     * Logs under {@code directory}, rotating each function's file at {@code maxFileBytes} and keeping
     * {@code keptFiles} rotated files besides the current one.
     */
    static FunctionLogs onDisk(Path directory, InstantSource clock, long maxFileBytes, int keptFiles) {
        return new RotatingFunctionLogs(directory, clock, maxFileBytes, keptFiles);
    }

    /** Appends one line (without its line break) to a function's log, stamped with the current time. */
    void append(String functionName, String line);

    /**
     * Writes buffered lines of every function to their files. Readers through {@link #read} never need it (a read
     * flushes first); it bounds what a crash of the server loses, so the server calls it about once a second rather
     * than paying a write per invocation.
     */
    void flushAll();

    /**
     * Hands each line logged at or after {@code since} to {@code sink}, oldest first, as {@link LogLine}s. With
     * {@code follow}, keeps handing new lines as they are appended until the sink returns false or the thread is
     * interrupted, and hands it {@code null} about once a second without a line, so a sink whose reader has gone can
     * say stop; without it, returns after the lines present now.
     */
    void read(String functionName, Instant since, boolean follow, Predicate<LogLine> sink)
            throws InterruptedException;

    /** Removes a function's logs (when the function is deleted). */
    void delete(String functionName);

    @Override
    void close();

    /** One line of a function's log. */
    record LogLine(Instant time, String text) {
        /** {@code 2026-11-25T12:00:00.123Z <text>}. */
        public String format() {
            return time + " " + text;
        }
    }
}
