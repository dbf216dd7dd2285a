package dev.ember.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** How the CLI writes quantities for people to read. */
final class Human {
    private Human() {
    }

    /** {@code 950 B}, {@code 1.2 KB}, {@code 5.0 MB}, {@code 1.1 GB} (binary multiples). */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        do {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** A routing weight as a percentage: {@code 0.1} is {@code 10%}, {@code 0.125} is {@code 12.5%}. */
    static String percent(BigDecimal weight) {
        BigDecimal percent = weight.movePointRight(2).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
        return percent.toPlainString() + '%';
    }

    /** A decimal to at most three places, without trailing zeros: {@code 16}, {@code 1.5}, {@code 0.125}. */
    static String decimal(double value) {
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
