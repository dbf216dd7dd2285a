package dev.ember.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Deployment packages the tests build from their own classes and classpath. */
public final class Packages {
    private Packages() {
    }

    /**
     * A zip holding the compiled classes of the given test handler classes, plus {@code files} (name to text, e.g.
     * a {@code bootstrap}).
     */
    public static byte[] handlerJar(Map<String, String> files, Class<?>... handlers) {
        Map<String, byte[]> entries = classes(handlers);
        files.forEach((name, text) -> entries.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return zip(entries);
    }

    /** The compiled classes of {@code handlers}, by their path in a jar. */
    public static Map<String, byte[]> classes(Class<?>... handlers) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (Class<?> handler : handlers) {
            String resource = handler.getName().replace('.', '/') + ".class";
            try (InputStream in = handler.getClassLoader().getResourceAsStream(resource)) {
                entries.put(resource, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return entries;
    }

    /** A zip holding the compiled classes of the given test handler classes. */
    public static byte[] handlerJar(Class<?>... handlers) {
        return handlerJar(Map.of(), handlers);
    }

    /**
     * The library {@code anyClass} comes from, as a jar, whether the classpath has it as a jar or as a directory of
     * classes (a reactor build): what a function ships in its {@code lib/}.
     */
    public static byte[] libraryJar(Class<?> anyClass) {
        try {
            Path location = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!java.nio.file.Files.isDirectory(location)) {
                return java.nio.file.Files.readAllBytes(location);
            }
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (var files = java.nio.file.Files.walk(location)) {
                for (Path file : files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
                    entries.put(location.relativize(file).toString().replace(File.separatorChar, '/'),
                            java.nio.file.Files.readAllBytes(file));
                }
            }
            return zip(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A zip of {@code entries}, name to content, in their order. */
    public static byte[] zip(Map<String, byte[]> entries) {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Entries of this JVM's classpath whose file name contains one of {@code fragments}. */
    public static List<String> classpathEntries(String... fragments) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Arrays.stream(fragments).anyMatch(f -> Path.of(entry).getFileName().toString()
                        .contains(f)))
                .toList();
    }

    /** The java launcher of the JVM running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
