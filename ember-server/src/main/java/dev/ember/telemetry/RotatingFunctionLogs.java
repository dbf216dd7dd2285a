package dev.ember.telemetry;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Per function a directory with {@code current.log} and up to {@code keptFiles} rotated files named by their
 * sequence number. Each line is {@code <epoch millis> <text>}.
 *
 * <p>Followers register under the same lock that appends take, after the files were flushed and their sizes noted:
 * what they read from the files and what they are handed afterwards neither overlap nor leave a gap.
 */
final class RotatingFunctionLogs implements FunctionLogs {
    private static final String CURRENT = "current.log";

    private final Path directory;
    private final InstantSource clock;
    private final long maxFileBytes;
    private final int keptFiles;
    private final Map<String, FunctionLog> logs = new ConcurrentHashMap<>();
    /**
     * Logs whose file is open, in the order they were opened: beyond {@link #MAX_OPEN_FILES} the eldest is closed
     * (and reopened by its next line), so thousands of functions do not hold thousands of descriptors. Touched only
     * when a file is opened, never per line: appends of different functions share no lock.
     */
    private final LinkedHashMap<FunctionLog, Boolean> openFiles = new LinkedHashMap<>();
    private static final int MAX_OPEN_FILES = 64;

    RotatingFunctionLogs(Path directory, InstantSource clock, long maxFileBytes, int keptFiles) {
        this.directory = directory;
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
        this.keptFiles = keptFiles;
    }

    @Override
    public void append(String functionName, String line) {
        // Millisecond precision, as stored: followers and readers of the files see the same time.
        FunctionLog log = log(functionName);
        if (!log.append(clock.instant().truncatedTo(ChronoUnit.MILLIS), line)) {
            return;
        }
        boolean tooMany;
        synchronized (openFiles) {
            openFiles.put(log, Boolean.TRUE);
            tooMany = openFiles.size() > MAX_OPEN_FILES;
        }
        if (tooMany) {
            closeEldestFiles();
        }
    }

    /** Closes files beyond the limit; takes no log's lock while holding {@link #openFiles}'s. */
    private void closeEldestFiles() {
        while (true) {
            FunctionLog eldest;
            synchronized (openFiles) {
                if (openFiles.size() <= MAX_OPEN_FILES) {
                    return;
                }
                eldest = openFiles.keySet().iterator().next();
                openFiles.remove(eldest);
            }
            eldest.close();
        }
    }

    @Override
    public void flushAll() {
        logs.values().forEach(FunctionLog::flush);
    }

    @Override
    public void read(String functionName, Instant since, boolean follow, Predicate<LogLine> sink)
            throws InterruptedException {
        FunctionLog log = log(functionName);
        LinkedBlockingQueue<LogLine> live = follow ? new LinkedBlockingQueue<>(10_000) : null;
        List<Path> files;
        long currentSize;
        log.lock.lock();
        try {
            log.flush();
            files = log.rotatedFiles();
            Path current = log.dir.resolve(CURRENT);
            currentSize = Files.exists(current) ? Files.size(current) : 0;
            files.add(current);
            if (live != null) {
                log.followers.add(live);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            log.lock.unlock();
        }
        try {
            long sinceMillis = since.toEpochMilli();
            for (int i = 0; i < files.size(); i++) {
                long limit = i == files.size() - 1 ? currentSize : Long.MAX_VALUE;
                if (!readFile(files.get(i), limit, sinceMillis, sink)) {
                    return;
                }
            }
            while (live != null) {
                LogLine line = live.poll(1, TimeUnit.SECONDS);
                if (line != null && !sink.test(line)) {
                    return;
                }
                if (line == null && !sink.test(null)) {
                    return;
                }
            }
        } finally {
            if (live != null) {
                log.followers.remove(live);
            }
        }
    }

    /** Returns false when the sink asked to stop. A file rotated away meanwhile is skipped. */
    private static boolean readFile(Path file, long limit, long sinceMillis, Predicate<LogLine> sink) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long consumed = 0;
            String raw;
            while (consumed < limit && (raw = reader.readLine()) != null) {
                consumed += raw.getBytes(StandardCharsets.UTF_8).length + 1;
                int space = raw.indexOf(' ');
                if (space <= 0) {
                    continue;
                }
                long millis;
                try {
                    millis = Long.parseLong(raw, 0, space, 10);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (millis >= sinceMillis && !sink.test(new LogLine(Instant.ofEpochMilli(millis),
                        raw.substring(space + 1)))) {
                    return false;
                }
            }
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String functionName) {
        FunctionLog log = logs.remove(functionName);
        Path dir = log != null ? log.dir : directory.resolve(functionName);
        if (log != null) {
            synchronized (openFiles) {
                openFiles.remove(log);
            }
            log.close();
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // Nothing was ever logged.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        logs.values().forEach(FunctionLog::close);
        logs.clear();
    }

    private FunctionLog log(String functionName) {
        return logs.computeIfAbsent(functionName, name -> new FunctionLog(directory.resolve(name)));
    }

    /** One function's files. Appends, rotation and follower registration are serialised by {@link #lock}. */
    private final class FunctionLog {
        final Path dir;
        final ReentrantLock lock = new ReentrantLock();
        final List<LinkedBlockingQueue<LogLine>> followers = new CopyOnWriteArrayList<>();
        private BufferedWriter writer;
        private long size;

        FunctionLog(Path dir) {
            this.dir = dir;
        }

        /** Appends a line; returns true when that opened the file. */
        boolean append(Instant time, String text) {
            lock.lock();
            try {
                boolean opening = writer == null;
                if (opening) {
                    open();
                }
                // One line per entry: a carriage return inside a line (a progress bar) is kept visible, not as a break.
                String line = time.toEpochMilli() + " " + text.replace("\r", "\\r") + '\n';
                writer.write(line);
                size += utf8Length(line);
                if (size >= maxFileBytes) {
                    rotate();
                }
                if (!followers.isEmpty()) {
                    LogLine logLine = new LogLine(time, text);
                    // A follower that cannot keep up loses lines rather than slowing the function down.
                    followers.forEach(queue -> queue.offer(logLine));
                }
                return opening;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lock.unlock();
            }
        }

        void flush() {
            lock.lock();
            try {
                if (writer != null) {
                    writer.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lock.unlock();
            }
        }

        List<Path> rotatedFiles() throws IOException {
            if (!Files.isDirectory(dir)) {
                return new ArrayList<>();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return new ArrayList<>(files.filter(f -> !f.getFileName().toString().equals(CURRENT))
                        .sorted(Comparator.comparingLong(FunctionLog::sequence)).toList());
            }
        }

        private void open() throws IOException {
            Files.createDirectories(dir);
            Path current = dir.resolve(CURRENT);
            writer = Files.newBufferedWriter(current, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            size = Files.size(current);
        }

        private void rotate() throws IOException {
            writer.close();
            writer = null;
            List<Path> rotated = rotatedFiles();
            long next = rotated.isEmpty() ? 1 : sequence(rotated.getLast()) + 1;
            Files.move(dir.resolve(CURRENT), dir.resolve(next + ".log"));
            rotated.add(dir.resolve(next + ".log"));
            for (int i = 0; i < rotated.size() - keptFiles; i++) {
                Files.deleteIfExists(rotated.get(i));
            }
            open();
        }

        void close() {
            lock.lock();
            try {
                if (writer != null) {
                    writer.close();
                    writer = null;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lock.unlock();
            }
        }

        /** The line's size in the file, without encoding it a second time. */
        private static int utf8Length(String text) {
            int bytes = text.length();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c >= 0x800) {
                    bytes += Character.isSurrogate(c) ? 1 : 2; // a surrogate pair is 4 bytes for 2 chars
                } else if (c >= 0x80) {
                    bytes += 1;
                }
            }
            return bytes;
        }

        private static long sequence(Path file) {
            String name = file.getFileName().toString();
            try {
                return Long.parseLong(name.substring(0, name.indexOf('.')));
            } catch (RuntimeException e) {
                return 0;
            }
        }
    }
}
