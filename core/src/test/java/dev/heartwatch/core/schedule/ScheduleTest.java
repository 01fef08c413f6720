package dev.heartwatch.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void periodAndGraceMustBePositiveAndAtMostAYear() {
        assertEquals("period must be a positive ISO-8601 duration such as PT10M: got PT0S",
                refusal(() -> new Schedule.Period(Duration.ZERO, Duration.ofMinutes(5))));
        assertEquals("grace must be a positive ISO-8601 duration such as PT5M: got PT-1S",
                refusal(() -> new Schedule.Period(Duration.ofMinutes(5), Duration.ofSeconds(-1))));
        assertEquals("grace must be a positive ISO-8601 duration such as PT1H: got PT0S",
                refusal(() -> new Schedule.Cron("30 2 * * *", KOLKATA, Duration.ZERO)));
        assertTrue(refusal(() -> new Schedule.Period(Duration.ofDays(367), Duration.ofMinutes(5))).contains("at most P366D"));
        assertTrue(refusal(() -> new Schedule.Cron(null, KOLKATA, Duration.ofHours(1))).contains("it is empty"));
    }

    @Test
    void defaultNeedsAThresholdLongerThanTheInterval() {
        SilenceRule tight = SilenceRule.recommended().withThreshold(Duration.ofMinutes(1));
        assertTrue(refusal(() -> Schedule.defaultFor(tight)).contains("must exceed the heartbeat interval"));
        assertEquals(new Schedule.Period(Duration.ofMinutes(1), Duration.ofMinutes(9)),
                Schedule.defaultFor(SilenceRule.recommended().withThreshold(Duration.ofMinutes(10))));
    }

    @Test
    void nextDueListsRunsOrPeriods() {
        Schedule.Cron job = new Schedule.Cron("  30 2 * * *  ", KOLKATA, Duration.ofHours(1));
        assertEquals("30 2 * * *", job.expression());
        assertEquals(List.of(Instant.parse("2026-12-02T21:00:00Z"), Instant.parse("2026-12-03T21:00:00Z"),
                Instant.parse("2026-12-04T21:00:00Z")), job.nextDue(Instant.parse("2026-12-02T20:00:00Z"), 3));
        assertEquals(List.of(Instant.parse("2026-12-02T21:00:00Z")), job.nextDue(Instant.parse("2026-12-01T21:00:00Z"), 1),
                "strictly after from");
        assertTrue(refusal(() -> job.nextDue(Instant.EPOCH, 1001)).contains("1 to 1000"));
    }

    @Test
    void cronsAreEqualByExpressionZoneAndGrace() {
        Schedule a = new Schedule.Cron("30 2 * * *", KOLKATA, Duration.ofHours(1));
        assertEquals(a, new Schedule.Cron("30 2 * * *", KOLKATA, Duration.ofHours(1)));
        assertEquals(a.hashCode(), new Schedule.Cron("30 2 * * *", KOLKATA, Duration.ofHours(1)).hashCode());
        assertNotEquals(a, new Schedule.Cron("30 2 * * *", ZoneId.of("Etc/UTC"), Duration.ofHours(1)));
        assertNotEquals(a, new Schedule.Cron("30 2 * * *", KOLKATA, Duration.ofHours(2)));
    }

    @Test
    void azureFitRefusesAnEvaluationNoShorterThanTheLookback() {
        assertTrue(refusal(() -> Schedule.DEFAULT.fitsAzure(Duration.ofDays(2), Duration.ofDays(2), Instant.EPOCH))
                .contains("shorter than the lookback"));
    }
}
