package dev.ember.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression: {@code rate(5 minutes)} or {@code cron(Minutes Hours Day-of-month Month
 * Day-of-week Year)} with AWS's rules, in UTC. Parsing says which rule an invalid expression broke.
 */
public sealed interface ScheduleExpression {
    /** The first fire strictly after {@code after}, or null when there is none (a cron's years are over). */
    Instant next(Instant after);

    /** The expression as written. */
    String text();

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException naming the rule that was broken
     */
    static ScheduleExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a schedule expression is rate(...) or cron(...); it was empty");
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("rate(") && trimmed.endsWith(")")) {
            return Rate.parse(trimmed);
        }
        if (trimmed.startsWith("cron(") && trimmed.endsWith(")")) {
            return Cron.parse(trimmed);
        }
        throw new IllegalArgumentException("a schedule expression is rate(value unit) or cron(minutes hours "
                + "day-of-month month day-of-week year); it was " + text);
    }

    /**
     * {@code rate(value unit)}: every {@code period}, counted from {@code anchor} (when the rule was created).
     */
    record Rate(String text, Duration period, Instant anchor) implements ScheduleExpression {
        private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+([a-z]+)\\s*\\)");

        static Rate parse(String text) {
            Matcher m = RATE.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("a rate is rate(value unit) with a positive whole value and a "
                        + "unit of minute(s), hour(s) or day(s); it was " + text);
            }
            long value;
            try {
                value = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the rate's value is too large: " + text);
            }
            if (value < 1) {
                throw new IllegalArgumentException("the rate's value must be positive: " + text);
            }
            String unit = m.group(2);
            Duration one = switch (unit) {
                case "minute", "minutes" -> Duration.ofMinutes(1);
                case "hour", "hours" -> Duration.ofHours(1);
                case "day", "days" -> Duration.ofDays(1);
                default -> throw new IllegalArgumentException("the rate's unit must be minute(s), hour(s) or day(s),"
                        + " was " + unit);
            };
            // AWS's rule: the singular unit for 1, the plural for anything else.
            if ((value == 1) != !unit.endsWith("s")) {
                throw new IllegalArgumentException("a rate of 1 takes the singular unit (rate(1 minute)) and any "
                        + "other value the plural (rate(5 minutes)); it was " + text);
            }
            return new Rate(text, one.multipliedBy(value), Instant.EPOCH);
        }

        /** The same rate counted from {@code from}. */
        public Rate anchoredAt(Instant from) {
            return new Rate(text, period, from);
        }

        @Override
        public Instant next(Instant after) {
            long periods = Math.floorDiv(Duration.between(anchor, after).toMillis(), period.toMillis()) + 1;
            return anchor.plus(period.multipliedBy(Math.max(periods, 1)));
        }
    }

    /** {@code cron(...)}: six fields, UTC; one of day-of-month and day-of-week must be {@code ?}. */
    record Cron(String text, BitSet minutes, BitSet hours, DayOfMonth daysOfMonth, BitSet months,
                DayOfWeekField daysOfWeek, BitSet years) implements ScheduleExpression {
        static final int FIRST_YEAR = 1970;
        static final int LAST_YEAR = 2199;
        private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
                "SEP", "OCT", "NOV", "DEC");
        private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

        static Cron parse(String text) {
            String[] fields = text.substring(5, text.length() - 1).strip().split("\\s+");
            if (fields.length != 6) {
                throw new IllegalArgumentException("a cron expression has six fields (minutes hours day-of-month "
                        + "month day-of-week year); " + text + " has " + fields.length);
            }
            boolean domAny = fields[2].equals("?");
            boolean dowAny = fields[4].equals("?");
            if (domAny == dowAny) {
                throw new IllegalArgumentException("exactly one of day-of-month and day-of-week must be ?: "
                        + "a value or * in one needs ? in the other; it was " + text);
            }
            return new Cron(text, Field.parse("minutes", fields[0], 0, 59, List.of()),
                    Field.parse("hours", fields[1], 0, 23, List.of()),
                    domAny ? null : DayOfMonth.parse(fields[2]),
                    Field.parse("month", fields[3], 1, 12, MONTHS),
                    dowAny ? null : DayOfWeekField.parse(fields[4], DAYS),
                    Field.parse("year", fields[5], FIRST_YEAR, LAST_YEAR, List.of()));
        }

        @Override
        public Instant next(Instant after) {
            LocalDateTime from = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES)
                    .plusMinutes(1);
            for (LocalDate day = from.toLocalDate(); day.getYear() <= LAST_YEAR; day = day.plusDays(1)) {
                if (!years.get(day.getYear()) || !months.get(day.getMonthValue()) || !dayMatches(day)) {
                    if (!years.get(day.getYear())) {
                        int next = years.nextSetBit(day.getYear() + 1);
                        if (next < 0) {
                            return null;
                        }
                        day = LocalDate.of(next, 1, 1).minusDays(1);
                    }
                    continue;
                }
                int startMinute = day.equals(from.toLocalDate()) ? from.getHour() * 60 + from.getMinute() : 0;
                for (int hour = hours.nextSetBit(startMinute / 60); hour >= 0 && hour < 24;
                     hour = hours.nextSetBit(hour + 1)) {
                    int minute = minutes.nextSetBit(hour == startMinute / 60 ? startMinute % 60 : 0);
                    if (minute >= 0 && minute < 60) {
                        return day.atTime(hour, minute).toInstant(ZoneOffset.UTC);
                    }
                }
            }
            return null;
        }

        private boolean dayMatches(LocalDate day) {
            return daysOfMonth != null ? daysOfMonth.matches(day) : daysOfWeek.matches(day);
        }
    }

    /** Parses a field of values, ranges, steps and lists. */
    final class Field {
        private Field() {
        }

        static BitSet parse(String field, String text, int min, int max, List<String> names) {
            BitSet values = new BitSet(max + 1);
            for (String part : text.split(",", -1)) {
                values.or(part(field, part, min, max, names));
            }
            return values;
        }

        private static BitSet part(String field, String part, int min, int max, List<String> names) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(field, part.substring(slash + 1), 1, max, List.of(), part);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw invalid(field, part, min, max);
                }
                from = number(field, ends[0], min, max, names, part);
                to = number(field, ends[1], min, max, names, part);
            } else {
                from = number(field, range, min, max, names, part);
                to = slash >= 0 ? max : from;
            }
            BitSet values = new BitSet(max + 1);
            if (from <= to) {
                for (int v = from; v <= to; v += step) {
                    values.set(v);
                }
            } else {
                // A range that wraps, e.g. FRI-MON or 22-2.
                int span = (max - from + 1) + (to - min + 1);
                for (int n = 0; n < span; n += step) {
                    int v = from + n;
                    values.set(v > max ? v - (max - min + 1) : v);
                }
            }
            return values;
        }

        static int number(String field, String text, int min, int max, List<String> names, String part) {
            int named = names.indexOf(text.toUpperCase(Locale.ROOT));
            if (named >= 0) {
                return named + min;
            }
            try {
                int value = Integer.parseInt(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid(field, part, min, max);
        }

        static IllegalArgumentException invalid(String field, String part, int min, int max) {
            return new IllegalArgumentException("the " + field + " field takes " + min + "-" + max
                    + ", * and the wildcards , - / (and its own); " + part + " is not valid there");
        }
    }

    /** Day-of-month: values, ranges, steps, {@code L} (the last day), {@code nW} (the weekday nearest day n). */
    record DayOfMonth(BitSet days, boolean last, int nearestWeekday) {
        static DayOfMonth parse(String text) {
            if (text.equals("L")) {
                return new DayOfMonth(new BitSet(), true, 0);
            }
            if (text.endsWith("W")) {
                int day = Field.number("day-of-month", text.substring(0, text.length() - 1), 1, 31, List.of(), text);
                return new DayOfMonth(new BitSet(), false, day);
            }
            return new DayOfMonth(Field.parse("day-of-month", text, 1, 31, List.of()), false, 0);
        }

        boolean matches(LocalDate day) {
            if (last) {
                return day.getDayOfMonth() == day.lengthOfMonth();
            }
            if (nearestWeekday > 0) {
                LocalDate target = day.withDayOfMonth(Math.min(nearestWeekday, day.lengthOfMonth()));
                LocalDate weekday = switch (target.getDayOfWeek()) {
                    case SATURDAY -> target.getDayOfMonth() == 1 ? target.plusDays(2) : target.minusDays(1);
                    case SUNDAY -> target.getDayOfMonth() == target.lengthOfMonth() ? target.minusDays(2)
                            : target.plusDays(1);
                    default -> target;
                };
                return day.equals(weekday);
            }
            return days.get(day.getDayOfMonth());
        }
    }

    /**
     * Day-of-week, 1 (SUN) to 7 (SAT): values, ranges, steps, {@code L} (Saturday), {@code nL} (the last day n of the
     * month), {@code n#k} (the k-th day n of the month).
     */
    record DayOfWeekField(BitSet days, int lastOfMonth, int nth, int nthDay) {
        static DayOfWeekField parse(String text, List<String> names) {
            if (text.equals("L")) {
                BitSet saturday = new BitSet();
                saturday.set(7);
                return new DayOfWeekField(saturday, 0, 0, 0);
            }
            if (text.endsWith("L")) {
                return new DayOfWeekField(new BitSet(), Field.number("day-of-week",
                        text.substring(0, text.length() - 1), 1, 7, names, text), 0, 0);
            }
            int hash = text.indexOf('#');
            if (hash >= 0) {
                int day = Field.number("day-of-week", text.substring(0, hash), 1, 7, names, text);
                int nth = Field.number("day-of-week", text.substring(hash + 1), 1, 5, List.of(), text);
                return new DayOfWeekField(new BitSet(), 0, nth, day);
            }
            return new DayOfWeekField(Field.parse("day-of-week", text, 1, 7, names), 0, 0, 0);
        }

        boolean matches(LocalDate day) {
            int value = day.getDayOfWeek().getValue() % 7 + 1; // SUN = 1 ... SAT = 7
            if (lastOfMonth > 0) {
                return value == lastOfMonth && day.plusWeeks(1).getMonth() != day.getMonth();
            }
            if (nth > 0) {
                return value == nthDay && (day.getDayOfMonth() - 1) / 7 + 1 == nth;
            }
            return days.get(value);
        }
    }
}
