package dev.ember.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as people type them: {@code 16g}, {@code 1.5g}, {@code 8192m}, {@code 16} (gigabytes). */
final class MemorySizes {
    /** GB, with an optional unit: {@code 16}, {@code 1.5}, {@code 16g}, {@code 16GB}. */
    private static final Pattern GIGABYTES = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(?:g|gb)?",
            Pattern.CASE_INSENSITIVE);

    private MemorySizes() {
    }

    /**
     * The size {@code text} names, in MB.
     *
     * @param option the option it was given to, for the error
     * @throws CliException when it is not a positive size
     */
    static long megabytes(String text, String option) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        double unit = 1024;
        if (t.endsWith("gb") || t.endsWith("mb")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("g")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 1;
            t = t.substring(0, t.length() - 1);
        }
        try {
            double value = Double.parseDouble(t);
            long mb = Math.round(value * unit);
            if (value > 0 && Double.isFinite(value) && mb >= 1) {
                return mb;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CliException(option + " must be a size such as 16g, 1.5g or 8192m (a bare number is gigabytes),"
                + " was '" + text + "'");
    }

    /**
     * A size in gigabytes only ({@code 16}, {@code 1.5}, {@code 16g}, {@code 16GB}), in MB with its fraction: the
     * simulator's budgets, where a megabyte suffix would more likely be a slip than a meaning.
     *
     * @throws CliException when it is not a positive number of gigabytes
     */
    static double gigabytesAsMb(String text, String option) {
        Matcher m = GIGABYTES.matcher(text.strip());
        double gb = m.matches() ? Double.parseDouble(m.group(1)) : 0;
        if (!(gb > 0)) {
            throw new CliException(option + " must be a positive number of GB (e.g. 16, 1.5 or 16g), was '"
                    + text + "'");
        }
        return gb * 1024;
    }
}
