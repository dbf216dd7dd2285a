package dev.ember.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** The libc call the JDK does not offer: {@code mkfifo(3)}. */
@SuppressWarnings("restricted") // through the FFM API; the launcher grants native access
final class Posix {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MKFIFO = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mkfifo").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Posix() {
    }

    /** Creates a FIFO at {@code path} with the given mode. */
    static void mkfifo(Path path, int mode) {
        int result;
        try (Arena arena = Arena.ofConfined()) {
            result = (int) MKFIFO.invokeExact(arena.allocateFrom(path.toString()), mode);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call mkfifo", e);
        }
        if (result != 0) {
            throw new UncheckedIOException(new IOException("mkfifo " + path + " failed"));
        }
    }
}
