package dev.ember.bench.cold;

import dev.ember.bench.NoOpHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The baseline of {@code ./ember bench cold}: a bare {@code java} process that runs the same handler once, with
 * the same JVM options as an environment, and exits. No Runtime API, no sandbox, no server.
 */
public final class BareRun {
    private BareRun() {
    }

    public static void main(String[] args) throws IOException {
        var out = new ByteArrayOutputStream();
        new NoOpHandler().handleRequest(new ByteArrayInputStream("{}".getBytes()), out, null);
        if (out.size() != 2) {
            throw new IllegalStateException("the handler answered " + out);
        }
    }
}
