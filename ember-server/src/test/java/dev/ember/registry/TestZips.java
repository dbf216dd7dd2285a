package dev.ember.registry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip archives byte by byte, so tests control what {@link java.util.zip.ZipOutputStream} will not let them:
 * unix modes, symbolic links, hostile names, headers that lie about sizes, ZIP64 fields.
 */
final class TestZips {
    static final int FILE = 0100644;
    static final int EXECUTABLE = 0100755;
    static final int DIRECTORY = 040755;
    static final int SYMLINK = 0120777;
    /** No unix mode: written as made by MS-DOS. */
    static final int NO_MODE = -1;

    private final List<Entry> entries = new ArrayList<>();
    private boolean zip64;

    /**
     * One entry as written: {@code body} are the bytes stored (already deflated when {@code deflated}), {@code size}
     * and {@code crc} what the headers claim about the uncompressed content.
     */
    record Entry(String name, byte[] body, boolean deflated, long size, long crc, int mode) {
        static Entry of(String name, byte[] content, int mode, boolean deflate) {
            CRC32 crc = new CRC32();
            crc.update(content);
            return new Entry(name, deflate ? deflate(content) : content, deflate, content.length, crc.getValue(),
                    mode);
        }
    }

    static TestZips zip() {
        return new TestZips();
    }

    /** A small valid package: an executable bootstrap and a handler script. */
    static byte[] hello() {
        return zip().file("bootstrap", "#!/bin/sh\nexec ./handler.sh\n", FILE)
                .file("handler.sh", "echo hello\n", EXECUTABLE)
                .build();
    }

    /** A small valid package whose content differs by {@code variant}. */
    static byte[] hello(String variant) {
        return zip().file("bootstrap", "#!/bin/sh\necho " + variant + "\n", EXECUTABLE).build();
    }

    TestZips file(String name, String content, int mode) {
        return entry(Entry.of(name, content.getBytes(StandardCharsets.UTF_8), mode, true));
    }

    /** An empty file, stored. */
    TestZips empty(String name) {
        return entry(Entry.of(name, new byte[0], FILE, false));
    }

    /** A file whose deflated body and header fields are given as they are, true or not. */
    TestZips raw(String name, byte[] deflated, long declaredSize, long crc) {
        return entry(new Entry(name, deflated, true, declaredSize, crc, FILE));
    }

    TestZips file(String name, String content) {
        return file(name, content, FILE);
    }

    TestZips directory(String name) {
        return entry(Entry.of(name, new byte[0], DIRECTORY, false));
    }

    TestZips symlink(String name, String target) {
        return entry(Entry.of(name, target.getBytes(StandardCharsets.UTF_8), SYMLINK, false));
    }

    TestZips entry(Entry entry) {
        entries.add(entry);
        return this;
    }

    /** Writes sizes and offsets as ZIP64 extra fields. */
    TestZips zip64() {
        zip64 = true;
        return this;
    }

    byte[] build() {
        var out = new ByteArrayOutputStream();
        var central = new ByteArrayOutputStream();
        for (Entry entry : entries) {
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            byte[] data = entry.body();
            long size = entry.size();
            long offset = out.size();
            byte[] localExtra = zip64 ? le(4 + 16).putShort((short) 1).putShort((short) 16).putLong(size)
                    .putLong(data.length).array() : new byte[0];
            out.writeBytes(le(30).putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0x800)
                    .putShort((short) (entry.deflated() ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) entry.crc()).putInt(zip64 ? -1 : data.length).putInt(zip64 ? -1 : (int) size)
                    .putShort((short) name.length).putShort((short) localExtra.length).array());
            out.writeBytes(name);
            out.writeBytes(localExtra);
            out.writeBytes(data);
            byte[] centralExtra = zip64 ? le(4 + 24).putShort((short) 1).putShort((short) 24).putLong(size)
                    .putLong(data.length).putLong(offset).array() : new byte[0];
            int madeBy = entry.mode() == NO_MODE ? 20 : (3 << 8) | 30;
            long external = entry.mode() == NO_MODE ? (entry.name().endsWith("/") ? 0x10 : 0)
                    : ((long) entry.mode() << 16);
            central.writeBytes(le(46).putInt(0x02014b50).putShort((short) madeBy)
                    .putShort((short) (zip64 ? 45 : 20)).putShort((short) 0x800)
                    .putShort((short) (entry.deflated() ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) entry.crc()).putInt(zip64 ? -1 : data.length).putInt(zip64 ? -1 : (int) size)
                    .putShort((short) name.length).putShort((short) centralExtra.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt((int) external)
                    .putInt(zip64 ? -1 : (int) offset).array());
            central.writeBytes(name);
            central.writeBytes(centralExtra);
        }
        long centralOffset = out.size();
        out.writeBytes(central.toByteArray());
        out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) entries.size()).putShort((short) entries.size()).putInt(central.size())
                .putInt((int) centralOffset).putShort((short) 0).array());
        return out.toByteArray();
    }

    /** {@code bytes} zero bytes, deflated without materialising them: the body of a zip bomb. */
    static byte[] deflatedZeros(long bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        var out = new ByteArrayOutputStream();
        for (long left = bytes; left > 0; left -= zeros.length) {
            deflater.setInput(zeros, 0, (int) Math.min(zeros.length, left));
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** The CRC-32 of {@code bytes} zero bytes. */
    static long crcOfZeros(long bytes) {
        CRC32 crc = new CRC32();
        byte[] zeros = new byte[1 << 20];
        for (long left = bytes; left > 0; left -= zeros.length) {
            crc.update(zeros, 0, (int) Math.min(zeros.length, left));
        }
        return crc.getValue();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        var out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
