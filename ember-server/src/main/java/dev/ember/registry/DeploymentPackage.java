package dev.ember.registry;

import dev.ember.lambda.LambdaException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A deployment package (zip or jar) that passed every check, with its CodeSha256 and CodeSize.
 *
 * <p>The checks, all made before anything is written: the zip is at most 50 MB (AWS's direct-upload limit); it can
 * be read; it holds at most 20,000 entries; no entry would land outside the function's directory (absolute names,
 * {@code ..} segments, backslashes, symbolic links pointing out or through other links, entries inside a link);
 * no path is both a file and a directory or given twice; at least one file; and, inflating every entry for real
 * rather than trusting the sizes its headers claim, at most 250 MB unzipped (AWS's limit).
 *
 * @param zip  the archive's bytes
 * @param code its CodeSha256 and CodeSize
 */
record DeploymentPackage(byte[] zip, CodeInfo code) {
    static final long MAX_ZIPPED_BYTES = 52_428_800L;
    static final long MAX_UNZIPPED_BYTES = 262_144_000L;
    static final int MAX_ENTRIES = 20_000;
    /** Longest name component Linux file systems accept. */
    private static final int MAX_NAME_BYTES = 255;
    /** Leaves room below PATH_MAX (4096) for the code directory itself. */
    private static final int MAX_PATH_BYTES = 3000;
    private static final int MAX_LINK_TARGET_BYTES = 4095;
    private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");

    /** What an entry becomes when unpacked. */
    enum Kind { FILE, DIRECTORY, SYMBOLIC_LINK }

    /**
     * An entry as it will be unpacked.
     *
     * @param path       the normalized relative path: segments joined by {@code /}, no {@code .}, {@code ..} or empty
     * @param executable for a file: mode 0555 rather than 0444
     * @param linkTarget for a symbolic link: its target, checked to stay inside the package; else null
     */
    record Item(String path, Kind kind, ZipArchive.Entry entry, boolean executable, String linkTarget) {
    }

    /**
     * Checks {@code zip} as a deployment package.
     *
     * @throws LambdaException InvalidParameterValueException naming what is wrong; RequestTooLargeException when the
     *                         zip is over 50 MB
     */
    static DeploymentPackage validate(byte[] zip) {
        if (zip == null || zip.length == 0) {
            throw LambdaException.invalid("Please provide a source for function code: ZipFile must be a zip archive.");
        }
        if (zip.length > MAX_ZIPPED_BYTES) {
            throw LambdaException.tooLarge("Zipped size must be smaller than %d bytes; the deployment package is %d bytes",
                    MAX_ZIPPED_BYTES, (long) zip.length);
        }
        ZipArchive archive = ZipArchive.open(ByteBuffer.wrap(zip));
        long unzipped = 0;
        for (Item item : layout(archive)) {
            if (item.kind() != Kind.DIRECTORY) {
                unzipped += archive.extract(item.entry(), MAX_UNZIPPED_BYTES - unzipped, OutputStream.nullOutputStream());
                if (unzipped > MAX_UNZIPPED_BYTES) {
                    throw unzippedTooLarge();
                }
            }
        }
        return new DeploymentPackage(zip, new CodeInfo(Base64.getEncoder().encodeToString(sha256(zip)), zip.length));
    }

    static LambdaException unzippedTooLarge() {
        return LambdaException.invalid("Unzipped size must be smaller than %d bytes", MAX_UNZIPPED_BYTES);
    }

    /**
     * The entries of {@code archive} as they will be unpacked, in archive order; directories only when the archive
     * lists them (parents of other entries are implied). Checks everything but the unzipped size.
     */
    static List<Item> layout(ZipArchive archive) {
        if (archive.entryCount() > MAX_ENTRIES) {
            throw LambdaException.invalid("The deployment package has %d entries; at most %d entries are allowed",
                    archive.entryCount(), MAX_ENTRIES);
        }
        Map<String, Item> byPath = new HashMap<>();
        List<Item> items = new ArrayList<>();
        for (ZipArchive.Entry entry : archive.entries()) {
            String path = normalize(entry.name());
            if (path.isEmpty()) {
                continue;
            }
            Kind kind = entry.isDirectory() ? Kind.DIRECTORY
                    : entry.isSymbolicLink() ? Kind.SYMBOLIC_LINK : Kind.FILE;
            Item previous = byPath.get(path);
            if (previous != null) {
                if (previous.kind() == Kind.DIRECTORY && kind == Kind.DIRECTORY) {
                    continue;
                }
                throw LambdaException.invalid("The deployment package contains '%s' more than once", path);
            }
            boolean executable = kind == Kind.FILE && (entry.isExecutable() || path.equals("bootstrap"));
            Item item = new Item(path, kind, entry, executable, null);
            byPath.put(path, item);
            items.add(item);
        }
        boolean anyFile = false;
        for (Item item : items) {
            anyFile |= item.kind() != Kind.DIRECTORY;
            for (int slash = item.path().indexOf('/'); slash >= 0; slash = item.path().indexOf('/', slash + 1)) {
                Item parent = byPath.get(item.path().substring(0, slash));
                if (parent != null && parent.kind() == Kind.FILE) {
                    throw LambdaException.invalid(
                            "The deployment package contains '%s' both as a file and as a directory", parent.path());
                }
                if (parent != null && parent.kind() == Kind.SYMBOLIC_LINK) {
                    throw LambdaException.invalid("Invalid entry '%s' in the deployment package: it is inside the "
                            + "symbolic link '%s'", item.entry().name(), parent.path());
                }
            }
        }
        if (!anyFile) {
            throw LambdaException.invalid(
                    "The deployment package contains no files. Please check your file, then try to upload again.");
        }
        items.replaceAll(item -> item.kind() == Kind.SYMBOLIC_LINK ? withTarget(archive, item, byPath) : item);
        return items;
    }

    /** The entry's path without empty and {@code .} segments; refuses anything that could leave the directory. */
    private static String normalize(String name) {
        if (name.isEmpty()) {
            throw ZipArchive.unreadable();
        }
        if (name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || WINDOWS_DRIVE.matcher(name).matches()) {
            throw escapes(name);
        }
        List<String> segments = new ArrayList<>();
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw escapes(name);
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw LambdaException.invalid("Invalid entry '%s' in the deployment package: a name component is "
                        + "longer than %d bytes", name, MAX_NAME_BYTES);
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        String path = String.join("/", segments);
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw LambdaException.invalid("Invalid entry '%s' in the deployment package: the path is longer than %d "
                    + "bytes", name, MAX_PATH_BYTES);
        }
        return path;
    }

    private static LambdaException escapes(String name) {
        return LambdaException.invalid("Invalid entry '%s' in the deployment package: it would be unpacked outside the "
                + "function's directory. Entry names must be relative paths without '..' segments or backslashes.",
                name);
    }

    /**
     * Reads a link's target and checks it lexically: relative, never above the package root, and not through another
     * link (a link whose target passes through a link to a shallower directory could climb out one level at a time).
     */
    private static Item withTarget(ZipArchive archive, Item link, Map<String, Item> byPath) {
        var bytes = new ByteArrayOutputStream();
        if (archive.extract(link.entry(), MAX_LINK_TARGET_BYTES, bytes) > MAX_LINK_TARGET_BYTES) {
            throw ZipArchive.unreadable();
        }
        String target = bytes.toString(StandardCharsets.UTF_8);
        List<String> resolved = new ArrayList<>(List.of(link.path().split("/")));
        resolved.removeLast();
        String[] segments = target.split("/");
        boolean outside = target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0;
        for (int i = 0; i < segments.length && !outside; i++) {
            String segment = segments[i];
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                outside = resolved.isEmpty();
                if (!outside) {
                    resolved.removeLast();
                }
                continue;
            }
            resolved.add(segment);
            Item passed = byPath.get(String.join("/", resolved));
            if (passed != null && passed.kind() == Kind.SYMBOLIC_LINK && i < segments.length - 1) {
                throw LambdaException.invalid("Invalid entry '%s' in the deployment package: the symbolic link's "
                        + "target '%s' passes through the symbolic link '%s'", link.entry().name(), target,
                        passed.path());
            }
        }
        if (outside) {
            throw LambdaException.invalid("Invalid entry '%s' in the deployment package: the symbolic link points to "
                    + "'%s', outside the function's directory", link.entry().name(), target);
        }
        return new Item(link.path(), link.kind(), link.entry(), false, target);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
