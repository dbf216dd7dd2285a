package dev.ember.pool;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * The managed Java runtime's files: the runtime itself, Jackson and aws-lambda-java-core, copied from where this
 * server loaded them into one directory of the data directory. A sandbox shows that directory read-only at the same
 * path; the server's own classpath (in a Maven repository under a home directory, say) is never shown.
 */
final class JavaRuntimeFiles {
    private static final String[] ANCHORS = {EnvironmentFactory.JAVA_RUNTIME_MAIN,
        "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core.JsonFactory",
        "com.fasterxml.jackson.annotation.JsonProperty", "com.amazonaws.services.lambda.runtime.Context"};

    private JavaRuntimeFiles() {
    }

    /**
     * Copies the runtime's classpath entries into {@code directory}/lib. A restarted server finds its jars there
     * already: a jar whose copy has the same size and time is not copied again (class directories of a development
     * build always are), and entries the server no longer has are removed.
     */
    static Path install(Path directory) throws IOException {
        Path lib = directory.resolve("lib");
        Files.createDirectories(lib);
        Set<Path> wanted = new LinkedHashSet<>();
        int index = 0;
        for (Path source : sources()) {
            // Numbered, so the classpath keeps the server's order. A class directory (a development build) is packed
            // into a jar: the JDK's AOT cache takes classes from jars only.
            Path target = lib.resolve("%02d-%s%s".formatted(index++, source.getFileName(),
                    Files.isDirectory(source) ? ".jar" : ""));
            wanted.add(target);
            if (!isCopyOf(target, source)) {
                CodeLinks.delete(target);
                copyTree(source, target);
            }
        }
        try (var entries = Files.list(lib)) {
            for (Path stale : entries.filter(entry -> !wanted.contains(entry)).toList()) {
                CodeLinks.delete(stale);
            }
        }
        makeReadable(directory);
        return directory;
    }

    /** Whether {@code target} is an earlier copy of the jar {@code source} (copies keep the source's time). */
    private static boolean isCopyOf(Path target, Path source) throws IOException {
        return Files.isRegularFile(source) && Files.isRegularFile(target)
                && Files.size(target) == Files.size(source)
                && Files.getLastModifiedTime(target).equals(Files.getLastModifiedTime(source));
    }

    /** The classpath of the installed runtime; a sandbox shows the directory at the same path. */
    static String classpath(Path installed) {
        try (var entries = Files.list(installed.resolve("lib"))) {
            return entries.sorted().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        } catch (IOException e) {
            throw new IllegalStateException("the Java runtime in " + installed + " is unreadable", e);
        }
    }

    private static List<Path> sources() {
        ClassLoader loader = JavaRuntimeFiles.class.getClassLoader();
        Set<Path> entries = new LinkedHashSet<>();
        for (String anchor : ANCHORS) {
            try {
                Class<?> type = Class.forName(anchor, false, loader);
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                throw new IllegalStateException("The managed Java runtime is incomplete: cannot locate " + anchor
                        + " on the server's classpath (is ember-runtime-java built?)", e);
            }
        }
        return new ArrayList<>(entries);
    }

    /** Copies the jar {@code source}, or packs the class directory {@code source} into the jar {@code target}. */
    private static void copyTree(Path source, Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (var files = Files.walk(source); var jar = new JarOutputStream(Files.newOutputStream(target))) {
            for (Path file : files.sorted().toList()) {
                String name = source.relativize(file).toString().replace(File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                boolean directory = Files.isDirectory(file);
                jar.putNextEntry(new JarEntry(directory ? name + "/" : name));
                if (!directory) {
                    Files.copy(file, jar);
                }
                jar.closeEntry();
            }
        }
    }

    /** Every environment's user id must read the runtime: directories 0755, files 0644. */
    private static void makeReadable(Path directory) throws IOException {
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                        Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
