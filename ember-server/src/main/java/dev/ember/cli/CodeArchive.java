package dev.ember.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The deployment package a {@code deploy} uploads: a {@code .zip} or {@code .jar} as it is, or a directory zipped in
 * memory.
 *
 * <p>A directory's zip is reproducible, so the same files give the same {@code CodeSha256}: entries in the order of
 * their names, relative paths with forward slashes, a fixed timestamp, and modes normalised to {@code 644} or
 * {@code 755} by the owner's executable bit, which a {@code provided} runtime's {@code bootstrap} needs.
 * {@link ZipOutputStream} cannot write Unix modes, so they are patched into the central directory afterwards.
 *
 * @param zip    the bytes to upload
 * @param source what they were made from, for messages
 */
record CodeArchive(byte[] zip, String source) {
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int MADE_BY_UNIX = 3 << 8 | 20;
    private static final int REGULAR_FILE = 0100000;
    private static final int DIRECTORY = 0040000;
    private static final int MSDOS_DIRECTORY = 0x10;

    /**
     * The package at {@code path}.
     *
     * @throws CliException when the path does not exist, is neither a directory nor a zip or jar, or holds no files
     */
    static CodeArchive of(Path path) {
        try {
            if (Files.isDirectory(path)) {
                return new CodeArchive(zipDirectory(path), "directory " + path);
            }
            String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!Files.exists(path)) {
                throw new CliException("--code " + path + " does not exist");
            }
            if (!name.endsWith(".zip") && !name.endsWith(".jar")) {
                throw new CliException("--code must be a directory, a .zip or a .jar, was " + path);
            }
            byte[] zip = Files.readAllBytes(path);
            if (zip.length < 4 || zip[0] != 'P' || zip[1] != 'K') {
                throw new CliException("--code " + path + " is not a zip archive");
            }
            return new CodeArchive(zip, path.getFileName().toString());
        } catch (IOException | UncheckedIOException e) {
            throw new CliException("cannot read --code " + path + ": " + e.getMessage(), e);
        }
    }

    /** The directory's files and subdirectories, zipped reproducibly with their Unix modes. */
    static byte[] zipDirectory(Path root) throws IOException {
        List<Entry> entries;
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            entries = walk.filter(path -> !path.equals(root))
                    .map(path -> Entry.of(root, path))
                    .sorted(Comparator.comparing(Entry::name))
                    .toList();
        }
        if (entries.stream().noneMatch(entry -> !entry.directory())) {
            throw new CliException("--code " + root + " holds no files to deploy");
        }
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (Entry entry : entries) {
                var zipEntry = new ZipEntry(entry.name());
                zipEntry.setTimeLocal(FIXED_TIME);
                zip.putNextEntry(zipEntry);
                if (!entry.directory()) {
                    Files.copy(entry.path(), zip);
                }
                zip.closeEntry();
            }
        }
        byte[] zip = bytes.toByteArray();
        setUnixModes(zip, entries.stream().map(Entry::externalAttributes).toList());
        return zip;
    }

    /** A file or directory under the root, by its name in the zip. */
    private record Entry(Path path, String name, boolean directory, boolean executable) {
        static Entry of(Path root, Path path) {
            List<String> parts = new ArrayList<>();
            root.relativize(path).forEach(part -> parts.add(part.toString()));
            boolean directory = Files.isDirectory(path);
            String name = String.join("/", parts) + (directory ? "/" : "");
            return new Entry(path, name, directory, directory || ownerCanExecute(path));
        }

        /** Unix mode in the upper 16 bits, MS-DOS attributes in the lower, as Info-ZIP writes them. */
        int externalAttributes() {
            int mode = (directory ? DIRECTORY : REGULAR_FILE) | (executable ? 0755 : 0644);
            return mode << 16 | (directory ? MSDOS_DIRECTORY : 0);
        }

        private static boolean ownerCanExecute(Path path) {
            try {
                PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                return posix != null
                        ? posix.readAttributes().permissions().contains(PosixFilePermission.OWNER_EXECUTE)
                        : Files.isExecutable(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Writes "made by Unix" and the external attributes of each central directory header, in entry order. The zip
     * is one {@link ZipOutputStream} wrote: no archive comment, and no ZIP64 unless it had to.
     */
    private static void setUnixModes(byte[] zip, List<Integer> externalAttributes) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22;
        if (end < 0 || buffer.getInt(end) != END_OF_CENTRAL_DIRECTORY) {
            throw new IllegalStateException("ZipOutputStream wrote no end of central directory where expected");
        }
        int count = Short.toUnsignedInt(buffer.getShort(end + 10));
        long offset = Integer.toUnsignedLong(buffer.getInt(end + 16));
        if (count != externalAttributes.size() || offset == 0xFFFFFFFFL) {
            throw new CliException("the code directory is too large to zip: " + externalAttributes.size()
                    + " entries; Lambda packages must stay well below 65535 files and 4 GB");
        }
        int header = (int) offset;
        for (int attributes : externalAttributes) {
            if (buffer.getInt(header) != CENTRAL_HEADER) {
                throw new IllegalStateException("no central directory header at offset " + header);
            }
            buffer.putShort(header + 4, (short) MADE_BY_UNIX);
            buffer.putInt(header + 38, attributes);
            header += 46 + Short.toUnsignedInt(buffer.getShort(header + 28))
                    + Short.toUnsignedInt(buffer.getShort(header + 30))
                    + Short.toUnsignedInt(buffer.getShort(header + 32));
        }
    }
}
