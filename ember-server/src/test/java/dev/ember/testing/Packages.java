package dev.ember.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Deployment packages the tests build from their own classes and classpath. */
public final class Packages {
    private Packages() {
    }

    /** A zip holding the compiled classes of the given test handler classes (and their nested classes). */
    public static byte[] handlerJar(Class<?>... handlers) {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (Class<?> handler : handlers) {
                String resource = handler.getName().replace('.', '/') + ".class";
                try (InputStream in = handler.getClassLoader().getResourceAsStream(resource)) {
                    zip.putNextEntry(new ZipEntry(resource));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
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
