package dev.ember.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schedule expressions against the examples of AWS's EventBridge documentation, and its rules. */
class ScheduleExpressionTest {
    /** A Wednesday. */
    private static final Instant START = Instant.parse("2026-12-02T07:58:30Z");

    private static List<String> fires(String expression, int count) {
        ScheduleExpression schedule = ScheduleExpression.parse(expression);
        List<String> fires = new ArrayList<>();
        Instant at = START;
        for (int i = 0; i < count; i++) {
            at = schedule.next(at);
            fires.add(at.toString());
        }
        return fires;
    }

    @Test
    void awsDocumentedCronExamples() {
        assertThat(fires("cron(0 10 * * ? *)", 2)).containsExactly("2026-12-02T10:00:00Z", "2026-12-03T10:00:00Z");
        assertThat(fires("cron(15 12 * * ? *)", 1)).containsExactly("2026-12-02T12:15:00Z");
        // 6 PM Monday to Friday: Wednesday, Thursday, Friday, then Monday.
        assertThat(fires("cron(0 18 ? * MON-FRI *)", 4)).containsExactly("2026-12-02T18:00:00Z",
                "2026-12-03T18:00:00Z", "2026-12-04T18:00:00Z", "2026-12-07T18:00:00Z");
        assertThat(fires("cron(0 8 1 * ? *)", 2)).containsExactly("2027-01-01T08:00:00Z", "2027-02-01T08:00:00Z");
        assertThat(fires("cron(0/15 * * * ? *)", 3)).containsExactly("2026-12-02T08:00:00Z",
                "2026-12-02T08:15:00Z", "2026-12-02T08:30:00Z");
        assertThat(fires("cron(0/5 8-17 ? * MON-FRI *)", 2)).containsExactly("2026-12-02T08:00:00Z",
                "2026-12-02T08:05:00Z");
        assertThat(fires("cron(55 17 ? * MON-FRI *)", 1)).containsExactly("2026-12-02T17:55:00Z");
        // 9 AM on the first Monday of each month.
        assertThat(fires("cron(0 9 ? * 2#1 *)", 2)).containsExactly("2026-12-07T09:00:00Z", "2027-01-04T09:00:00Z");
        // Numbers for days: 1 is Sunday.
        assertThat(fires("cron(0 12 ? * 1 *)", 1)).containsExactly("2026-12-06T12:00:00Z");
    }

    @Test
    void lastDaysAndNearestWeekdays() {
        assertThat(fires("cron(0 0 L * ? *)", 2)).containsExactly("2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z");
        // The last Friday of the month.
        assertThat(fires("cron(0 0 ? * 6L *)", 2)).containsExactly("2026-12-25T00:00:00Z", "2027-01-29T00:00:00Z");
        // The weekday nearest the 5th: 2026-12-05 is a Saturday, so Friday the 4th; 2027-01-05 is a Tuesday.
        assertThat(fires("cron(0 0 5W * ? *)", 2)).containsExactly("2026-12-04T00:00:00Z", "2027-01-05T00:00:00Z");
        assertThat(fires("cron(30 6 ? JAN-FEB MON 2027)", 1)).containsExactly("2027-01-04T06:30:00Z");
        assertThat(ScheduleExpression.parse("cron(0 0 1 1 ? 1999)").next(START)).isNull();
    }

    @Test
    void ratesCountFromWhenTheRuleWasCreated() {
        var rate = ((ScheduleExpression.Rate) ScheduleExpression.parse("rate(15 minutes)")).anchoredAt(START);
        assertThat(rate.next(START)).isEqualTo(START.plusSeconds(900));
        assertThat(rate.next(START.plusSeconds(900))).isEqualTo(START.plusSeconds(1800));
        assertThat(rate.next(START.plusSeconds(1000))).isEqualTo(START.plusSeconds(1800));
        assertThat(ScheduleExpression.parse("rate(1 day)")).isInstanceOf(ScheduleExpression.Rate.class);
        assertThat(ScheduleExpression.parse("rate(2 hours)")).isInstanceOf(ScheduleExpression.Rate.class);
    }

    @Test
    void invalidExpressionsNameTheRuleTheyBreak() {
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 10 * * * *)"))
                .hasMessageContaining("exactly one of day-of-month and day-of-week must be ?");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 10 ? * ? *)"))
                .hasMessageContaining("exactly one of day-of-month and day-of-week must be ?");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 10 * * ?)")).hasMessageContaining("six fields");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(60 * * * ? *)"))
                .hasMessageContaining("the minutes field takes 0-59");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 24 * * ? *)"))
                .hasMessageContaining("the hours field takes 0-23");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 0 ? * 8 *)"))
                .hasMessageContaining("the day-of-week field takes 1-7");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 0 ? FOO * *)"))
                .hasMessageContaining("the month field takes 1-12");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 0 1 * ? 2200)"))
                .hasMessageContaining("the year field takes 1970-2199");
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(1 minutes)")).hasMessageContaining("singular");
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 minute)")).hasMessageContaining("plural");
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(0 minutes)")).hasMessageContaining("positive");
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 weeks)")).hasMessageContaining("minute(s)");
        assertThatThrownBy(() -> ScheduleExpression.parse("every 5 minutes")).hasMessageContaining("rate(");
    }
}
