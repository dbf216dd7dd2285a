package dev.ember.sandbox;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The Linux system calls the JDK does not offer, through the FFM API: network namespaces of the calling thread
 * ({@code unshare}, {@code setns}), bringing an interface up ({@code ioctl}), and {@code kill}. Each failure is an
 * {@link IOException} naming the call and its errno.
 */
@SuppressWarnings("restricted") // the launcher grants native access
final class Linux {
    static final int CLONE_NEWNET = 0x40000000;
    static final int SIGKILL = 9;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM_CLOEXEC = 2 | 0x80000;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_UP = 0x1;
    private static final short IFF_RUNNING = 0x40;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));
    private static final MethodHandle UNSHARE = function("unshare", ValueLayout.JAVA_INT);
    private static final MethodHandle SETNS = function("setns", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle OPEN = function("open", ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle CLOSE = function("close", ValueLayout.JAVA_INT);
    private static final MethodHandle SOCKET = function("socket", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT);
    private static final MethodHandle KILL = function("kill", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle GETEUID = LINKER.downcallHandle(LINKER.defaultLookup().find("geteuid")
            .orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));

    private Linux() {
    }

    private static MethodHandle function(String name, ValueLayout... arguments) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, arguments), Linker.Option.captureCallState("errno"));
    }

    /** The effective uid of this process. */
    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call geteuid", e);
        }
    }

    /** Moves the calling thread, and only it, into a new network namespace. */
    static void unshareNetwork() throws IOException {
        checked("unshare(CLONE_NEWNET)", (arena, state) -> (int) UNSHARE.invokeExact(state, CLONE_NEWNET));
    }

    /** Moves the calling thread into the network namespace {@code fd} refers to. */
    static void setNetwork(int fd) throws IOException {
        checked("setns", (arena, state) -> (int) SETNS.invokeExact(state, fd, CLONE_NEWNET));
    }

    /** Opens {@code path} read-only (close-on-exec) and returns the raw descriptor. */
    static int open(String path) throws IOException {
        return checked("open " + path,
                (arena, state) -> (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY_CLOEXEC));
    }

    /** One system call through a handle that captures errno. */
    @FunctionalInterface
    private interface SystemCall {
        int call(Arena arena, MemorySegment callState) throws Throwable;
    }

    /** Makes {@code call}; a negative result is an IOException naming {@code what} and errno. */
    private static int checked(String what, SystemCall call) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = call.call(arena, state);
            check(what, result, state);
            return result;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets the interface {@code name} of the calling thread's network namespace up. */
    static void interfaceUp(String name) throws IOException {
        int socket = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            socket = (int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM_CLOEXEC, 0);
            check("socket", socket, state);
            MemorySegment request = ifreq(arena, name);
            check("ioctl(SIOCGIFFLAGS)", (int) IOCTL.invokeExact(state, socket, SIOCGIFFLAGS, request), state);
            short flags = request.get(ValueLayout.JAVA_SHORT, IFNAMSIZ);
            request.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (flags | IFF_UP | IFF_RUNNING));
            check("ioctl(SIOCSIFFLAGS)", (int) IOCTL.invokeExact(state, socket, SIOCSIFFLAGS, request), state);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            if (socket >= 0) {
                close(socket);
            }
        }
    }

    /** Whether the interface {@code name} exists and is up in the calling thread's network namespace. */
    static boolean isUp(String name) {
        int socket = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            socket = (int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM_CLOEXEC, 0);
            if (socket < 0) {
                return false;
            }
            MemorySegment request = ifreq(arena, name);
            if ((int) IOCTL.invokeExact(state, socket, SIOCGIFFLAGS, request) != 0) {
                return false;
            }
            return (request.get(ValueLayout.JAVA_SHORT, IFNAMSIZ) & IFF_UP) != 0;
        } catch (Throwable e) {
            return false;
        } finally {
            if (socket >= 0) {
                close(socket);
            }
        }
    }

    /** Sends {@code signal} to process {@code pid}; false when there is no such process. */
    static boolean kill(long pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) KILL.invokeExact(arena.allocate(CALL_STATE), (int) pid, signal) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot call kill", e);
        }
    }

    private static MemorySegment ifreq(Arena arena, String name) {
        MemorySegment request = arena.allocate(IFREQ_SIZE);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, request, ValueLayout.JAVA_BYTE, 0, Math.min(bytes.length, IFNAMSIZ - 1));
        return request;
    }

    private static void check(String call, int result, MemorySegment state) throws IOException {
        if (result < 0) {
            int errno = (int) ERRNO.get(state, 0L);
            throw new IOException(call + " failed: errno " + errno + (errno == 1 ? " (EPERM: needs root)" : ""));
        }
    }
}
