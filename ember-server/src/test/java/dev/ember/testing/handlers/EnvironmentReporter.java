package dev.ember.testing.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reports what a Java function sees of its environment: its variables as the JDK shows them, as a child process
 * inherits them (started without an explicit environment, so it gets the C library's), the task root and /tmp; and
 * leaves a file in /tmp when asked, for the next environment to look for.
 */
public class EnvironmentReporter implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("getenv", new TreeMap<>(System.getenv()));
        report.put("one", String.valueOf(System.getenv("SECRET")));
        try {
            Process child = Runtime.getRuntime().exec(new String[] {"/usr/bin/env", "-0"});
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            child.waitFor();
            Map<String, String> childEnv = new TreeMap<>();
            for (String line : out.split("\0")) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    childEnv.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
            report.put("child", childEnv);
            if (input.containsKey("leave")) {
                Files.writeString(Path.of("/tmp", String.valueOf(input.get("leave"))), "left behind");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        report.put("taskRoot", list(System.getenv("LAMBDA_TASK_ROOT")));
        report.put("tmp", list("/tmp"));
        report.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
        return report;
    }

    private static String list(String dir) {
        String[] names = new File(dir).list();
        if (names == null) {
            return "";
        }
        Arrays.sort(names);
        return String.join(",", names);
    }
}
