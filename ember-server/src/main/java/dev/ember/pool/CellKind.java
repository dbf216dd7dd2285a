package dev.ember.pool;

import dev.ember.registry.FunctionConfig;
import dev.ember.registry.Runtime;
import java.util.Locale;
import java.util.Optional;

/**
 * What a stem cell is made for: every limit a sandbox takes when it is created (the memory cap and CPU share, the
 * size of {@code /tmp}) and how its runtime starts. A cold start of a function can specialise any cell of the kind of
 * its configuration, so the limits it runs under are its own.
 *
 * @param family             the managed Java runtime or a {@code provided} bootstrap
 * @param memoryMb           the function's memory: the sandbox's cap and CPU share, the JVM's heap
 * @param ephemeralStorageMb the size of {@code /tmp}
 */
public record CellKind(Runtime.Family family, int memoryMb, int ephemeralStorageMb) {

    /**
     * The kind of cell a function with {@code config} can start from; none for functions with outbound network,
     * whose network is attached when the sandbox is made.
     */
    public static Optional<CellKind> of(FunctionConfig config) {
        if (EnvironmentFactory.OUTBOUND.equals(config.environment().get(EnvironmentFactory.NETWORK_VARIABLE))) {
            return Optional.empty();
        }
        return Optional.of(new CellKind(config.runtime().family(), config.memoryMb(), config.ephemeralStorageMb()));
    }

    /** {@code java/512MB} or {@code provided/128MB/tmp 1024MB}: its name in reports and for the policy. */
    public String name() {
        String name = family.name().toLowerCase(Locale.ROOT) + '/' + memoryMb + "MB";
        return ephemeralStorageMb == 512 ? name : name + "/tmp " + ephemeralStorageMb + "MB";
    }
}
