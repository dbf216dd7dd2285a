package dev.ember.pool;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one runtime process.
 *
 * @param command          the executable and its arguments
 * @param workingDirectory the task root
 * @param environment      the complete process environment (nothing is inherited from the server)
 */
record LaunchPlan(List<String> command, Path workingDirectory, Map<String, String> environment) {
    LaunchPlan {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
