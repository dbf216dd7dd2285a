package dev.ember.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The root directory every sandbox sees, made once per server: empty mount points for what each environment binds
 * ({@code /usr}, {@code /var/task}, {@code /tmp}, {@code /proc}, devices), the usual symlinks
 * into {@code /usr}, and a handful of {@code /etc} files. Bound read-only, so nothing outside {@code /tmp} is
 * writable. Cheaper than assembling the same tree from tmpfs and binds per sandbox (about 2 ms per start, measured).
 */
final class Rootfs {
    private static final List<String> DIRECTORIES = List.of("usr", "var/task", "tmp", "proc", "dev",
            "etc/ssl/certs", "run", "opt");
    static final List<String> DEVICES = List.of("null", "zero", "random", "urandom");
    private static final List<String> SYMLINKS = List.of("bin=usr/bin", "sbin=usr/sbin", "lib=usr/lib",
            "lib64=usr/lib64", "dev/fd=/proc/self/fd", "dev/stdin=/proc/self/fd/0", "dev/stdout=/proc/self/fd/1",
            "dev/stderr=/proc/self/fd/2");
    /** Host files copied as they are: the dynamic linker's cache, name-service rules, CA certificates. */
    private static final List<String> COPIED = List.of("etc/ld.so.cache", "etc/nsswitch.conf",
            "etc/ssl/certs/ca-certificates.crt", "etc/localtime");

    private Rootfs() {
    }

    /** (Re)creates the tree at {@code root}, taking {@code /etc} files from the host's {@code hostRoot}. */
    static Path prepare(Path root, Path hostRoot) throws IOException {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String dir : DIRECTORIES) {
            Files.createDirectories(root.resolve(dir));
        }
        for (String device : DEVICES) {
            Path file = root.resolve("dev").resolve(device);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(file);
            }
        }
        for (String link : SYMLINKS) {
            String[] parts = link.split("=", 2);
            try {
                Files.createSymbolicLink(root.resolve(parts[0]), Path.of(parts[1]));
            } catch (FileAlreadyExistsException e) {
                // Made by an earlier start.
            }
        }
        for (String file : COPIED) {
            Path source = hostRoot.resolve(file);
            if (Files.isRegularFile(source)) {
                Files.copy(source, root.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        copyAlternatives(hostRoot.resolve("etc/alternatives"), root.resolve("etc/alternatives"));
        write(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        write(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        write(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        // slirp4netns's DNS forwarder; unreachable (and harmless) in environments without outbound network.
        write(root.resolve("etc/resolv.conf"), "nameserver 10.0.2.3\n");
        write(root.resolve("etc/hostname"), "localhost\n");
        return root;
    }

    /** Debian's {@code /usr/bin/java} and friends are symlinks through {@code /etc/alternatives}: copied as links. */
    private static void copyAlternatives(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            return;
        }
        Files.createDirectories(target);
        try (var links = Files.list(source)) {
            for (Path link : links.toList()) {
                if (Files.isSymbolicLink(link) && !link.getFileName().toString().endsWith(".gz")) { // not man pages
                    Path copy = target.resolve(link.getFileName().toString());
                    Files.deleteIfExists(copy);
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(link));
                }
            }
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }
}
