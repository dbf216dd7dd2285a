package dev.ember.testing.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reports the AOT caches its JVM has mapped ({@code /proc/self/maps}) and whether a path given as {@code probe} exists
 * in its environment. With {@code FAIL_AOT_TRAINING} set, its init fails when it runs for an AOT training only.
 */
public class AotCacheReporter implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    static {
        if (System.getenv("FAIL_AOT_TRAINING") != null
                && "aot-training".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"))) {
            throw new IllegalStateException("this init refuses to be trained");
        }
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> report = new LinkedHashMap<>();
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            report.put("mapped", lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(file -> file.endsWith(".aot")).distinct().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        report.put("initializationType", System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
        if (input.get("probe") instanceof String probe) {
            report.put("exists", Files.exists(Path.of(probe)));
        }
        return report;
    }
}
