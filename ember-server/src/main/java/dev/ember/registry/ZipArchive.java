package dev.ember.registry;

import dev.ember.lambda.LambdaException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip archive read from memory, entries listed by its central directory: the one reader used both to validate an
 * upload and to unpack it later, so what was checked is exactly what is written. Sizes in headers are never trusted
 * for limits: {@link #extract} counts the bytes it really inflates and stops as soon as a limit is passed.
 *
 * <p>Supports stored and deflated entries, data descriptors and ZIP64 sizes and offsets; refuses encrypted entries,
 * other compression methods, spanned archives and anything inconsistent (CRC, sizes, offsets) as unreadable.
 * Modification times are read leniently: one that cannot be read is absent, never a reason to refuse the archive.
 */
final class ZipArchive {
    static final String COULD_NOT_UNZIP =
            "Could not unzip uploaded file. Please check your file, then try to upload again.";

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int ZIP64_END_SIGNATURE = 0x06064b50;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int END_SIZE = 22;
    private static final int CENTRAL_HEADER_SIZE = 46;
    private static final int LOCAL_HEADER_SIZE = 30;
    private static final int ZIP64_EXTRA = 0x0001;
    /** Info-ZIP's extended timestamp ("UT"): seconds since the epoch, UTC. */
    private static final int EXTENDED_TIMESTAMP_EXTRA = 0x5455;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int FLAG_ENCRYPTED = 1;
    private static final int FLAG_UTF8 = 1 << 11;
    private static final int HOST_UNIX = 3;
    private static final int HOST_OSX = 19;
    private static final long U32_MAX = 0xFFFFFFFFL;
    private static final Charset CP437 = Charset.isSupported("IBM437") ? Charset.forName("IBM437")
            : StandardCharsets.ISO_8859_1;

    /**
     * One entry of the central directory.
     *
     * @param name      the name as stored (not yet checked for safety)
     * @param unixMode  the unix mode bits ({@code st_mode}) when the archiver recorded them, else 0
     * @param dataStart where the entry's compressed bytes start in the archive
     * @param modified  when the file was last modified, as the archiver recorded it; null when it recorded none
     *                  that can be read (see {@link #modified})
     */
    record Entry(String name, int method, long crc, long compressedSize, long size, long dataStart, int unixMode,
                 FileTime modified) {
        private static final int TYPE_MASK = 0170000;

        boolean isDirectory() {
            return name.endsWith("/") || (unixMode & TYPE_MASK) == 0040000;
        }

        boolean isSymbolicLink() {
            return (unixMode & TYPE_MASK) == 0120000;
        }

        boolean isExecutable() {
            return (unixMode & 0111) != 0;
        }
    }

    private final ByteBuffer zip;
    private final long entryCount;
    private final long directoryStart;
    private final long directoryEnd;

    private ZipArchive(ByteBuffer zip, long entryCount, long directoryStart, long directoryEnd) {
        this.zip = zip;
        this.entryCount = entryCount;
        this.directoryStart = directoryStart;
        this.directoryEnd = directoryEnd;
    }

    /**
     * Finds the central directory of the archive in {@code zip} (not copied; must not change while in use).
     *
     * @throws LambdaException InvalidParameterValueException "Could not unzip ..." when it is not a zip archive
     */
    static ZipArchive open(ByteBuffer zip) {
        ByteBuffer buffer = zip.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(0);
        try {
            return locateDirectory(buffer);
        } catch (IndexOutOfBoundsException e) {
            throw unreadable();
        }
    }

    private static ZipArchive locateDirectory(ByteBuffer buffer) {
        int end = findEnd(buffer);
        long count = u16(buffer, end + 10);
        long size = u32(buffer, end + 12);
        long start = u32(buffer, end + 16);
        long directoryLimit = end;
        if (u16(buffer, end + 4) != 0 || u16(buffer, end + 6) != 0) {
            throw unreadable();
        }
        if (count == 0xFFFF || size == U32_MAX || start == U32_MAX) {
            int locator = end - 20;
            if (locator < 0 || buffer.getInt(locator) != ZIP64_LOCATOR_SIGNATURE) {
                throw unreadable();
            }
            long zip64End = buffer.getLong(locator + 8);
            if (zip64End < 0 || zip64End > locator - 56 || buffer.getInt((int) zip64End) != ZIP64_END_SIGNATURE) {
                throw unreadable();
            }
            int at = (int) zip64End;
            count = buffer.getLong(at + 32);
            size = buffer.getLong(at + 40);
            start = buffer.getLong(at + 48);
            directoryLimit = zip64End;
        }
        // Every central header takes at least 46 bytes, which bounds how many entries the directory can hold.
        if (count < 0 || size < 0 || start < 0 || start + size > directoryLimit
                || count > size / CENTRAL_HEADER_SIZE) {
            throw unreadable();
        }
        return new ZipArchive(buffer, count, start, start + size);
    }

    private static int findEnd(ByteBuffer buffer) {
        int last = buffer.limit() - END_SIZE;
        int first = Math.max(0, last - 0xFFFF);
        for (int at = last; at >= first; at--) {
            if (buffer.getInt(at) == END_SIGNATURE && at + END_SIZE + u16(buffer, at + 20) == buffer.limit()) {
                return at;
            }
        }
        throw unreadable();
    }

    /** How many entries the central directory declares; cheap, for limits checked before reading the entries. */
    long entryCount() {
        return entryCount;
    }

    /** The entries, in central-directory order. */
    List<Entry> entries() {
        List<Entry> entries = new ArrayList<>((int) entryCount);
        try {
            long at = directoryStart;
            for (long i = 0; i < entryCount; i++) {
                int p = Math.toIntExact(at);
                if (zip.getInt(p) != CENTRAL_SIGNATURE) {
                    throw unreadable();
                }
                int madeBy = u16(zip, p + 4);
                int flags = u16(zip, p + 8);
                int method = u16(zip, p + 10);
                int dosTime = u16(zip, p + 12);
                int dosDate = u16(zip, p + 14);
                long crc = u32(zip, p + 16);
                long compressedSize = u32(zip, p + 20);
                long size = u32(zip, p + 24);
                int nameLength = u16(zip, p + 28);
                int extraLength = u16(zip, p + 30);
                int commentLength = u16(zip, p + 32);
                int disk = u16(zip, p + 34);
                long external = u32(zip, p + 38);
                long localHeader = u32(zip, p + 42);
                long next = at + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
                if (next > directoryEnd || (flags & FLAG_ENCRYPTED) != 0 || (method != STORED && method != DEFLATED)) {
                    throw unreadable();
                }
                String name = name(zip.slice(p + CENTRAL_HEADER_SIZE, nameLength), flags);
                int extra = p + CENTRAL_HEADER_SIZE + nameLength;
                // ZIP64: a field that did not fit its 32 bits is 0xFFFFFFFF and follows in the 0x0001 extra block,
                // in this order, present only when needed.
                if (size == U32_MAX || compressedSize == U32_MAX || localHeader == U32_MAX || disk == 0xFFFF) {
                    int block = findExtra(zip, extra, extraLength, ZIP64_EXTRA);
                    if (block < 0) {
                        throw unreadable();
                    }
                    int field = block + 4;
                    int blockEnd = block + 4 + u16(zip, block + 2);
                    if (size == U32_MAX) {
                        size = long64(zip, field, blockEnd);
                        field += 8;
                    }
                    if (compressedSize == U32_MAX) {
                        compressedSize = long64(zip, field, blockEnd);
                        field += 8;
                    }
                    if (localHeader == U32_MAX) {
                        localHeader = long64(zip, field, blockEnd);
                    }
                }
                int unixMode = (madeBy >> 8) == HOST_UNIX || (madeBy >> 8) == HOST_OSX ? (int) (external >>> 16) : 0;
                entries.add(new Entry(name, method, crc, compressedSize, size,
                        dataStart(localHeader, compressedSize), unixMode,
                        modified(zip, extra, extraLength, dosTime, dosDate)));
                at = next;
            }
        } catch (IndexOutOfBoundsException | BufferUnderflowException | ArithmeticException e) {
            throw unreadable();
        }
        return entries;
    }

    private long dataStart(long localHeader, long compressedSize) {
        if (localHeader < 0 || localHeader + LOCAL_HEADER_SIZE > directoryStart) {
            throw unreadable();
        }
        int p = (int) localHeader;
        if (zip.getInt(p) != LOCAL_SIGNATURE) {
            throw unreadable();
        }
        long start = localHeader + LOCAL_HEADER_SIZE + u16(zip, p + 26) + u16(zip, p + 28);
        if (compressedSize < 0 || start + compressedSize > directoryStart) {
            throw unreadable();
        }
        return start;
    }

    /**
     * Decompresses {@code entry} into {@code out}, stopping early once more than {@code limit} bytes came out.
     *
     * @return the bytes written; more than {@code limit} when the entry is larger (then the rest was not inflated
     *         and the checksum not verified)
     * @throws LambdaException "Could not unzip ..." when the data is corrupt or does not match its header
     */
    long extract(Entry entry, long limit, OutputStream out) {
        ByteBuffer data = zip.slice((int) entry.dataStart(), Math.toIntExact(entry.compressedSize()));
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        try {
            if (entry.method() == STORED) {
                while (data.hasRemaining()) {
                    int n = Math.min(chunk.length, data.remaining());
                    data.get(chunk, 0, n);
                    written += n;
                    if (written > limit) {
                        return written;
                    }
                    crc.update(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            } else {
                Inflater inflater = new Inflater(true);
                try {
                    inflater.setInput(data);
                    while (!inflater.finished()) {
                        int n = inflater.inflate(chunk);
                        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                            throw unreadable();
                        }
                        written += n;
                        if (written > limit) {
                            return written;
                        }
                        crc.update(chunk, 0, n);
                        out.write(chunk, 0, n);
                    }
                } finally {
                    inflater.end();
                }
            }
        } catch (DataFormatException e) {
            throw unreadable();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (written != entry.size() || crc.getValue() != entry.crc()) {
            throw unreadable();
        }
        return written;
    }

    static LambdaException unreadable() {
        return LambdaException.invalid(COULD_NOT_UNZIP);
    }

    private static String name(ByteBuffer bytes, int flags) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.duplicate()).toString();
        } catch (CharacterCodingException e) {
            // Without the UTF-8 flag the zip specification says IBM code page 437; most archivers really write
            // UTF-8 regardless, hence the order.
            if ((flags & FLAG_UTF8) != 0) {
                throw unreadable();
            }
            return CP437.decode(bytes.duplicate()).toString();
        }
    }

    /**
     * The modification time of an entry: the extended timestamp when the archiver wrote one (Info-ZIP's {@code zip},
     * Java's {@code ZipEntry.setLastModifiedTime}; UTC, to the second), else the DOS date and time every entry has
     * (local time of the archiver, to two seconds; read in this host's zone, as {@code unzip} and
     * {@code java.util.zip} do). Null when neither is a valid time.
     */
    private static FileTime modified(ByteBuffer zip, int extra, int extraLength, int dosTime, int dosDate) {
        int block = findExtra(zip, extra, extraLength, EXTENDED_TIMESTAMP_EXTRA);
        // In the central directory the block holds a flags byte and, when its bit 0 says the local header has one,
        // the modification time only (never the access or creation times the local header may have).
        if (block >= 0 && u16(zip, block + 2) >= 5 && (zip.get(block + 4) & 1) != 0) {
            return FileTime.from(zip.getInt(block + 5), TimeUnit.SECONDS);
        }
        try {
            LocalDateTime local = LocalDateTime.of(1980 + (dosDate >> 9), (dosDate >> 5) & 0x0f, dosDate & 0x1f,
                    dosTime >> 11, (dosTime >> 5) & 0x3f, (dosTime & 0x1f) * 2);
            return FileTime.from(local.atZone(ZoneId.systemDefault()).toInstant());
        } catch (DateTimeException e) {
            return null; // e.g. a zero date, which some archivers write
        }
    }

    /** Where the extra block {@code id} starts within {@code [start, start + length)}, or -1. */
    private static int findExtra(ByteBuffer zip, int start, int length, int id) {
        int at = start;
        int end = start + length;
        while (at + 4 <= end) {
            int blockId = u16(zip, at);
            int blockSize = u16(zip, at + 2);
            if (at + 4 + blockSize > end) {
                break;
            }
            if (blockId == id) {
                return at;
            }
            at += 4 + blockSize;
        }
        return -1;
    }

    private static long long64(ByteBuffer zip, int at, int end) {
        if (at + 8 > end) {
            throw unreadable();
        }
        return zip.getLong(at);
    }

    private static int u16(ByteBuffer buffer, int at) {
        return Short.toUnsignedInt(buffer.getShort(at));
    }

    private static long u32(ByteBuffer buffer, int at) {
        return Integer.toUnsignedLong(buffer.getInt(at));
    }
}
