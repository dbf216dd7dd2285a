package dev.ember.registry;

import dev.ember.sandbox.Forks;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Deployment packages on disk, by content: {@code <dir>/<hex sha256>.zip}, and unpacked on first use into
 * {@code <dir>/<hex sha256>/}. Identical code is stored and unpacked once, whichever functions use it.
 *
 * <p>Crash safety: nothing appears under its final name until it is complete and on disk. A blob is written to a
 * temporary file, fsync'd, renamed into place and the directory fsync'd, before the row that references it commits.
 * A package is unpacked into a temporary directory, every file fsync'd, then renamed into place in one step, so a
 * reader (or a process that crashed half-way) never sees half of it. Temporaries start with a dot and are removed
 * when the store opens. The unpacked tree is read-only: directories 0555, files 0444, or 0555 when the zip marks
 * them executable and for a root-level {@code bootstrap}.
 *
 * <p>Files keep the modification time their zip entry records, as Lambda's extraction does: a JDK's AOT cache or CDS
 * archive shipped in the zip is only accepted with jars of the same size and time as when it was made. Directories
 * and links get the time of the unpacking (nothing validates against those).
 */
final class CodeStore {
    private static final String UPLOAD_PREFIX = ".upload-";
    private static final String UNPACK_PREFIX = ".unpack-";
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");
    private static final Set<PosixFilePermission> READ_EXECUTE = PosixFilePermissions.fromString("r-xr-xr-x");
    private static final Set<PosixFilePermission> OWNER_WRITABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path dir;
    private final ConcurrentHashMap<String, ReentrantLock> unpacking = new ConcurrentHashMap<>();

    private CodeStore(Path dir) {
        this.dir = dir;
    }

    /** Opens the store in {@code dir}, creating it, and removes what an earlier crash left half-written. */
    static CodeStore open(Path dir) {
        try {
            Files.createDirectories(dir);
            List<Path> leftovers = new ArrayList<>();
            try (var children = Files.list(dir)) {
                children.filter(child -> {
                    String name = child.getFileName().toString();
                    return name.startsWith(UPLOAD_PREFIX) || name.startsWith(UNPACK_PREFIX);
                }).forEach(leftovers::add);
            }
            for (Path leftover : leftovers) {
                deleteTree(leftover);
            }
            return new CodeStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the code store " + dir, e);
        }
    }

    /** Writes the package's zip unless the store has it already; returns once it is durable. */
    void store(DeploymentPackage deploymentPackage) {
        Path blob = blobPath(deploymentPackage.code());
        if (Files.exists(blob)) {
            return;
        }
        Path temp = dir.resolve(UPLOAD_PREFIX + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(deploymentPackage.zip());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, READ_ONLY);
            Files.move(temp, blob, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new UncheckedIOException("cannot store the deployment package " + blob, e);
        }
    }

    /** The stored zip. */
    Path archive(CodeInfo code) {
        Path blob = blobPath(code);
        if (!Files.isRegularFile(blob)) {
            throw new IllegalArgumentException("the code store has no package with CodeSha256 " + code.sha256());
        }
        return blob;
    }

    /** The package unpacked, read-only; unpacked now when this is its first use. Safe to call concurrently. */
    Path directory(CodeInfo code) {
        Path target = dir.resolve(hex(code));
        if (Files.isDirectory(target)) {
            return target;
        }
        ReentrantLock lock = unpacking.computeIfAbsent(hex(code), key -> new ReentrantLock());
        lock.lock();
        try {
            if (!Files.isDirectory(target)) {
                unpack(archive(code), target);
            }
            return target;
        } finally {
            lock.unlock();
        }
    }

    private void unpack(Path blob, Path target) {
        Path temp = dir.resolve(UNPACK_PREFIX + target.getFileName() + '-' + UUID.randomUUID());
        try {
            ByteBuffer zip;
            try (FileChannel channel = FileChannel.open(blob, StandardOpenOption.READ)) {
                zip = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            }
            ZipArchive archive = ZipArchive.open(zip);
            Files.createDirectory(temp);
            writeItems(archive, DeploymentPackage.layout(archive), temp);
            sealDirectories(temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Another process unpacked the same package first (rename refuses a non-empty target): use theirs.
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                deleteTree(temp);
                return;
            }
            fsyncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e instanceof IOException io ? new UncheckedIOException("cannot unpack " + blob, io)
                    : (RuntimeException) e;
        }
    }

    private static void writeItems(ZipArchive archive, List<DeploymentPackage.Item> items, Path root)
            throws IOException {
        long unzipped = 0;
        List<DeploymentPackage.Item> links = new ArrayList<>();
        for (DeploymentPackage.Item item : items) {
            Path path = root.resolve(item.path());
            switch (item.kind()) {
                case DIRECTORY -> Files.createDirectories(path);
                case SYMBOLIC_LINK -> links.add(item);
                case FILE -> {
                    Files.createDirectories(path.getParent());
                    long[] written = {unzipped};
                    // Any file may be exec'd (a bootstrap, a script it runs): no process forks while it is open.
                    Forks.writing(() -> {
                        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE)) {
                            OutputStream out = Channels.newOutputStream(channel);
                            written[0] += archive.extract(item.entry(),
                                    DeploymentPackage.MAX_UNZIPPED_BYTES - written[0], out);
                            if (written[0] > DeploymentPackage.MAX_UNZIPPED_BYTES) {
                                throw DeploymentPackage.unzippedTooLarge();
                            }
                            if (item.entry().modified() != null) {
                                // Before the fsync, which makes the time durable with the content.
                                Files.setLastModifiedTime(path, item.entry().modified());
                            }
                            channel.force(true);
                        }
                    });
                    unzipped = written[0];
                    Files.setPosixFilePermissions(path, item.executable() ? READ_EXECUTE : READ_ONLY);
                }
            }
        }
        // Links last: no file is ever written through one (the layout refuses entries inside a link anyway).
        for (DeploymentPackage.Item link : links) {
            Path path = root.resolve(link.path());
            Files.createDirectories(path.getParent());
            Files.createSymbolicLink(path, Path.of(link.linkTarget()));
        }
    }

    /** fsyncs every directory of the tree, children first, and makes it read-only. */
    private static void sealDirectories(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                fsyncDirectory(directory);
                Files.setPosixFilePermissions(directory, READ_EXECUTE);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private Path blobPath(CodeInfo code) {
        return dir.resolve(hex(code) + ".zip");
    }

    private static String hex(CodeInfo code) {
        String hex;
        try {
            hex = code.hex();
        } catch (IllegalArgumentException e) {
            hex = "";
        }
        if (!HEX_SHA256.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a CodeSha256: " + code.sha256());
        }
        return hex;
    }

    private static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes a file or a tree, making read-only directories writable first; never follows links. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
                    throws IOException {
                Files.setPosixFilePermissions(directory, OWNER_WRITABLE);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path path, Exception failure) {
        try {
            deleteTree(path);
        } catch (NoSuchFileException ignored) {
            // nothing was written
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
