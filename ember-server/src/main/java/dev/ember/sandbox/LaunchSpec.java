package dev.ember.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start in one execution environment, with the paths the runtime sees ({@link Isolation#taskRoot}).
 *
 * @param id                 the environment's id (names its control group)
 * @param command            the runtime's command line, as seen inside the environment
 * @param environment        its complete process environment; {@code AWS_LAMBDA_RUNTIME_API} is added at launch
 * @param taskRoot           the function's unpacked code on the host, shown read-only at the task root
 * @param readOnly           host directories shown read-only at their own paths: a JDK outside {@code /usr}, a managed
 *                           runtime's files (at their own path because the JVM's AOT cache names its jars by path)
 * @param output             the named pipe that receives the runtime's stdout and stderr
 * @param memoryMb           the function's memory, which caps the environment and sets its CPU share
 * @param ephemeralStorageMb the size of its {@code /tmp}
 * @param outboundNetwork    whether it may open connections to the outside (never to the host's loopback)
 * @param stdinPipe          whether its stdin is a pipe from the server ({@link Process#getOutputStream()}: how a
 *                           stem cell is specialised), else {@code /dev/null}
 */
public record LaunchSpec(String id, List<String> command, Map<String, String> environment, Path taskRoot,
                         List<Path> readOnly, Path output, int memoryMb, int ephemeralStorageMb,
                         boolean outboundNetwork, boolean stdinPipe) {
    public LaunchSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(taskRoot, "taskRoot");
        Objects.requireNonNull(output, "output");
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        readOnly = List.copyOf(readOnly);
    }
}
