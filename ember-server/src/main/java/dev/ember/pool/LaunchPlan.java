package dev.ember.pool;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one runtime process.
 *
 * @param command            the executable and its arguments, as the runtime sees them
 * @param taskRoot           the function's code on the host
 * @param readOnly           host directories the runtime needs at their own paths (the JDK, the managed runtime's
 *                           files)
 * @param environment        the complete process environment (nothing is inherited from the server)
 * @param memoryMb           the function's memory
 * @param ephemeralStorageMb the size of its /tmp
 * @param outboundNetwork    whether it may reach the outside network
 */
record LaunchPlan(List<String> command, Path taskRoot, List<Path> readOnly,
                  Map<String, String> environment, int memoryMb, int ephemeralStorageMb, boolean outboundNetwork) {
    LaunchPlan {
        command = List.copyOf(command);
        readOnly = List.copyOf(readOnly);
        environment = Map.copyOf(environment);
    }
}
