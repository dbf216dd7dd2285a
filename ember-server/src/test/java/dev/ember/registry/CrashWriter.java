package dev.ember.registry;

import dev.ember.lambda.Arns;
import dev.ember.store.Database;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * Run by {@link CrashRecoveryTest} in a child JVM that it kills with SIGKILL: writes to a registry as fast as it can
 * and prints every write the registry acknowledged, one line each, after the call returned.
 *
 * <pre>
 * ACK name version code-sha256 version-revision latest-revision .
 * UPDATE name latest-revision description .
 * </pre>
 * The final {@code .} tells a whole line from one the kill cut short.
 *
 * Usage: {@code CrashWriter <dataDir>}. Continues the numbering of the functions already there.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        Database db = Database.open(dataDir);
        FunctionRegistry registry = FunctionRegistry.open(db, dataDir.resolve("code"), Arns.defaults(),
                InstantSource.fixed(Instant.parse("2025-01-01T00:00:00Z")));
        PrintStream out = System.out;
        out.println("READY");
        out.flush();
        for (int i = registry.list(null, 10_000, false).items().size(); ; i++) {
            String name = "fn-" + i;
            boolean publish = i % 2 == 0;
            FunctionVersion created = registry.create(RegistryFixture.config(name), code(i), publish);
            out.printf("ACK %s %s %s %s %s .%n", name, created.version(), created.code().sha256(),
                    created.revisionId(), registry.get(name, null).revisionId());
            out.flush();
            String description = "updated " + i;
            FunctionVersion updated = registry.updateConfiguration(name,
                    new ConfigUpdate(null, null, null, description, null, null, Map.of("ROUND", "r" + i), null), null);
            out.printf("UPDATE %s %s %s .%n", name, updated.revisionId(), description);
            out.flush();
            registry.codeDirectory(created.code());
        }
    }

    /** Every third function shares one package; the others get their own, large enough that unpacking takes a while. */
    static byte[] code(int i) {
        if (i % 3 == 0) {
            return TestZips.hello("shared");
        }
        TestZips zip = TestZips.zip().file("bootstrap", "#!/bin/sh\necho " + i + "\n", TestZips.EXECUTABLE);
        for (int f = 0; f < 200; f++) {
            zip.file("lib/module" + f + ".txt", ("function " + i + " file " + f + "\n").repeat(50));
        }
        return zip.build();
    }
}
