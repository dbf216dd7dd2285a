package dev.ember.policy.trace;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes traces in the format of the Azure Functions 2019 dataset (Shahrad et al., ATC 2020), one file of
 * each kind per day: {@code invocations_per_function_md.anon.dNN.csv},
 * {@code function_durations_percentiles.anon.dNN.csv} and {@code app_memory_percentiles.anon.dNN.csv}. The real
 * dataset's files are read as they are; durations and memory are taken from the first day that lists a function.
 */
public final class AzureTrace {
    public static final int MINUTES_PER_DAY = 1440;
    private static final Pattern INVOCATIONS = Pattern.compile("invocations_per_function_md\\.anon\\.d(\\d+)\\.csv");

    private AzureTrace() {
    }

    /** Writes {@code functions} ({@code days} days of minutes each) as one set of files per day. */
    public static void write(Path dir, List<TraceFunction> functions, int days) throws IOException {
        Files.createDirectories(dir);
        for (int day = 0; day < days; day++) {
            String suffix = ".anon.d%02d.csv".formatted(day + 1);
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("invocations_per_function_md" + suffix))) {
                out.write("HashOwner,HashApp,HashFunction,Trigger");
                for (int m = 1; m <= MINUTES_PER_DAY; m++) {
                    out.write("," + m);
                }
                out.newLine();
                StringBuilder line = new StringBuilder();
                for (TraceFunction f : functions) {
                    line.setLength(0);
                    line.append(f.owner()).append(',').append(f.app()).append(',').append(f.function()).append(',')
                            .append(f.trigger());
                    for (int m = 0; m < MINUTES_PER_DAY; m++) {
                        line.append(',').append(f.perMinute()[day * MINUTES_PER_DAY + m]);
                    }
                    out.write(line.toString());
                    out.newLine();
                }
            }
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("function_durations_percentiles" + suffix))) {
                out.write("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
                        + "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
                        + "percentile_Average_99,percentile_Average_100");
                out.newLine();
                for (TraceFunction f : functions) {
                    double[] d = f.durationMs();
                    long count = 0;
                    for (int m = 0; m < MINUTES_PER_DAY; m++) {
                        count += f.perMinute()[day * MINUTES_PER_DAY + m];
                    }
                    out.write(String.format(Locale.ROOT, "%s,%s,%s,%.0f,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f",
                            f.owner(), f.app(), f.function(), d[3], count, d[0], d[6], d[0], d[1], d[2], d[3], d[4],
                            d[5], d[6]));
                    out.newLine();
                }
            }
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("app_memory_percentiles" + suffix))) {
                out.write("HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,"
                        + "AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,"
                        + "AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,"
                        + "AverageAllocatedMb_pct100");
                out.newLine();
                Map<String, TraceFunction> apps = new LinkedHashMap<>();
                functions.forEach(f -> apps.putIfAbsent(f.app(), f));
                for (TraceFunction f : apps.values()) {
                    double mb = f.memoryMb();
                    out.write(String.format(Locale.ROOT, "%s,%s,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f",
                            f.owner(), f.app(), 100, mb, mb, mb, mb, mb, mb, mb, mb, mb));
                    out.newLine();
                }
            }
        }
    }

    /** Reads every day found in {@code dir}. */
    public static List<TraceFunction> read(Path dir) throws IOException {
        TreeMap<Integer, Path> days = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Matcher matcher = INVOCATIONS.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    days.put(Integer.parseInt(matcher.group(1)), file);
                }
            }
        }
        if (days.isEmpty()) {
            throw new IOException("no invocations_per_function_md.anon.dNN.csv in " + dir);
        }
        int dayCount = days.size();
        Map<String, Row> rows = new LinkedHashMap<>();
        int dayIndex = 0;
        for (Map.Entry<Integer, Path> day : days.entrySet()) {
            readInvocations(day.getValue(), dayIndex++, dayCount, rows);
        }
        Map<String, double[]> durations = new HashMap<>();
        Map<String, Double> memory = new HashMap<>();
        for (int day : days.keySet()) {
            String suffix = ".anon.d%02d.csv".formatted(day);
            readDurations(dir.resolve("function_durations_percentiles" + suffix), durations);
            readMemory(dir.resolve("app_memory_percentiles" + suffix), memory);
        }
        List<TraceFunction> functions = new ArrayList<>(rows.size());
        for (Row row : rows.values()) {
            double[] d = durations.getOrDefault(row.owner + ',' + row.app + ',' + row.function,
                    new double[] {100, 100, 100, 100, 100, 100, 100});
            functions.add(new TraceFunction(row.owner, row.app, row.function, row.trigger, row.perMinute, d,
                    memory.getOrDefault(row.owner + ',' + row.app, 170.0)));
        }
        return functions;
    }

    private static final class Row {
        final String owner;
        final String app;
        final String function;
        final String trigger;
        final int[] perMinute;

        Row(String owner, String app, String function, String trigger, int minutes) {
            this.owner = owner;
            this.app = app;
            this.function = function;
            this.trigger = trigger;
            this.perMinute = new int[minutes];
        }
    }

    private static void readInvocations(Path file, int dayIndex, int dayCount, Map<String, Row> rows)
            throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",", -1);
                if (f.length < 4 + MINUTES_PER_DAY) {
                    continue;
                }
                Row row = rows.computeIfAbsent(f[0] + ',' + f[1] + ',' + f[2],
                        k -> new Row(f[0], f[1], f[2], f[3], dayCount * MINUTES_PER_DAY));
                int base = dayIndex * MINUTES_PER_DAY;
                for (int m = 0; m < MINUTES_PER_DAY; m++) {
                    row.perMinute[base + m] = Integer.parseInt(f[4 + m].trim());
                }
            }
        }
    }

    private static void readDurations(Path file, Map<String, double[]> durations) throws IOException {
        forEachRow(file, 14, f -> {
            double[] d = new double[7];
            for (int i = 0; i < 7; i++) {
                d[i] = Double.parseDouble(f[7 + i]);
            }
            durations.putIfAbsent(f[0] + ',' + f[1] + ',' + f[2], d);
        });
    }

    private static void readMemory(Path file, Map<String, Double> memory) throws IOException {
        forEachRow(file, 4, f -> memory.putIfAbsent(f[0] + ',' + f[1], Double.parseDouble(f[3])));
    }

    /** Each data row of a CSV file with at least {@code columns} fields; a missing file has none. */
    private static void forEachRow(Path file, int columns, Consumer<String[]> row) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] fields = line.split(",", -1);
                if (fields.length >= columns) {
                    row.accept(fields);
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
