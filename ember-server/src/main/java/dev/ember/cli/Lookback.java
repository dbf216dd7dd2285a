package dev.ember.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses how far back to look, for picocli: a whole number and a unit, {@code 30s}, {@code 10m}, {@code 2h} or
 * {@code 1d}.
 */
final class Lookback implements ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})([smhd])");

    @Override
    public Duration convert(String value) {
        Matcher matcher = FORMAT.matcher(value.strip());
        if (!matcher.matches()) {
            throw new TypeConversionException("expected a whole number followed by s, m, h or d (e.g. 30s, 10m, 2h,"
                    + " 1d), but got '" + value + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalStateException("the pattern admits only s, m, h and d");
        };
    }
}
