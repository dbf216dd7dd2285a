package dev.ember.runtime.java;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@link LambdaLogger} of every {@code Context}: each call becomes whole lines on the process's stdout, flushed
 * at once, which the platform captures as the function's log. A newline is added when the message lacks one, so
 * messages from different calls never share a line.
 */
final class StdoutLogger implements LambdaLogger {

    private final PrintStream stdout;

    /** @param stdout the process's original stdout, kept even if the function replaces {@code System.out} */
    StdoutLogger(PrintStream stdout) {
        this.stdout = stdout;
    }

    @Override
    public void log(String message) {
        log(String.valueOf(message).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void log(byte[] message) {
        synchronized (stdout) {
            stdout.write(message, 0, message.length);
            if (message.length == 0 || message[message.length - 1] != '\n') {
                stdout.write('\n');
            }
            stdout.flush();
        }
    }
}
