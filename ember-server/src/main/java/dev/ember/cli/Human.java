package dev.ember.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
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

    /**
     * A duration to its two largest units, dropping a zero second one: {@code 0s}, {@code 45s}, {@code 3m 12s},
     * {@code 6h}, {@code 2h 5m}, {@code 3d 4h}. Below a second counts as {@code 0s}; negative as zero.
     */
    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        long[] amounts = {seconds / 86_400, seconds % 86_400 / 3_600, seconds % 3_600 / 60, seconds % 60};
        String[] units = {"d", "h", "m", "s"};
        int largest = 0;
        while (largest < units.length - 1 && amounts[largest] == 0) {
            largest++;
        }
        String text = amounts[largest] + units[largest];
        if (largest < units.length - 1 && amounts[largest + 1] != 0) {
            text += " " + amounts[largest + 1] + units[largest + 1];
        }
        return text;
    }

    /**
     * How long before {@code now} {@code then} was: {@code 3m 12s ago}. A {@code then} after {@code now} (the
     * server's clock ahead of this one) reads {@code 0s ago}.
     */
    static String ago(Instant then, Instant now) {
        return duration(Duration.between(then, now)) + " ago";
    }

    /**
     * How long after {@code now} {@code then} is, rounded up to the second: {@code in 5m}, {@code in 1h 30m}. A
     * {@code then} at or before {@code now} (a fire the server is about to deliver) reads {@code due now}.
     */
    static String fromNow(Instant then, Instant now) {
        if (!then.isAfter(now)) {
            return "due now";
        }
        Duration left = Duration.between(now, then);
        return "in " + duration(left.getNano() == 0 ? left : Duration.ofSeconds(left.getSeconds() + 1));
    }

    /** A count and its noun, singular for one: {@code 1 message}, {@code 3 messages}. */
    static String count(long count, String noun) {
        return count(count, noun, noun + "s");
    }

    /** A count and its noun, for nouns whose plural is not an added s: {@code 1 retry}, {@code 2 retries}. */
    static String count(long count, String singular, String plural) {
        return count + " " + (count == 1 ? singular : plural);
    }
}
