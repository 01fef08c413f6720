package dev.heartwatch.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Debian cron(8)'s rules (see {@link CronRuns}) on the daylight-saving changes of 2026 and
 * 2027, each next to what cron-utils' own {@code ExecutionTime} answers, so a library upgrade
 * that changes its answer shows here. Europe/Berlin: 2026-03-29 02:00 CET becomes 03:00 CEST
 * (01:00Z); 2026-10-25 03:00 CEST becomes 02:00 CET (01:00Z). America/New_York: 2027-03-14 02:00
 * EST becomes 03:00 EDT (07:00Z); 2027-11-07 02:00 EDT becomes 01:00 EST (06:00Z).
 */
class CronRunsTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    private static CronRuns runs(String cron, ZoneId zone) {
        return new CronRuns(CronFields.parse(cron), zone);
    }

    private static List<Instant> next(String cron, ZoneId zone, String after, int n) {
        CronRuns runs = runs(cron, zone);
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(after);
        for (int k = 0; k < n; k++) {
            t = runs.nextAfter(t).orElseThrow();
            out.add(t);
        }
        return out;
    }

    /** cron-utils alone, in the zone (what this package does not rely on). */
    private static List<Instant> library(String cron, ZoneId zone, String after, int n) {
        ExecutionTime et = ExecutionTime.forCron(
                new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)).parse(cron));
        List<Instant> out = new ArrayList<>();
        ZonedDateTime t = Instant.parse(after).atZone(zone);
        for (int k = 0; k < n; k++) {
            t = et.nextExecution(t).orElseThrow();
            out.add(t.toInstant());
        }
        return out;
    }

    private static List<Instant> instants(String... texts) {
        List<Instant> out = new ArrayList<>();
        for (String t : texts) {
            out.add(Instant.parse(t));
        }
        return out;
    }

    @Test
    void fixedJobInTheSkippedHourRunsOnceRightAfterTheChange() {
        assertEquals(instants("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
                next("30 2 * * *", BERLIN, "2026-03-27T12:00:00Z", 3));
    }

    @Test
    void cronUtilsDropsTheSkippedFixedJobWhichIsWhyItIsCorrected() {
        assertEquals(instants("2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"),
                library("30 2 * * *", BERLIN, "2026-03-27T12:00:00Z", 2));
    }

    @Test
    void severalSkippedTimesOfOneFixedJobAreOneRun() {
        assertEquals(instants("2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"),
                next("0,30 2 * * *", BERLIN, "2026-03-28T12:00:00Z", 2));
        // 02:00 (skipped) and 03:00 (the change itself) are the same instant: one run.
        assertEquals(instants("2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"),
                next("0 2,3 * * *", BERLIN, "2026-03-28T12:00:00Z", 2));
    }

    @Test
    void wildcardJobFollowsTheClockAcrossTheSkippedHour() {
        assertEquals(instants("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"),
                next("30 * * * *", BERLIN, "2026-03-29T00:00:00Z", 2));
        assertEquals(instants("2026-03-29T00:40:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:20:00Z"),
                next("*/20 * * * *", BERLIN, "2026-03-29T00:30:00Z", 3));
        assertEquals(library("30 * * * *", BERLIN, "2026-03-29T00:00:00Z", 2),
                next("30 * * * *", BERLIN, "2026-03-29T00:00:00Z", 2), "the library agrees here");
    }

    @Test
    void wildcardMinuteInAFixedHourDoesNotRunWhenThatHourIsSkipped() {
        assertEquals(instants("2026-03-28T01:59:00Z", "2026-03-30T00:00:00Z"),
                next("* 2 * * *", BERLIN, "2026-03-28T01:58:00Z", 2));
    }

    @Test
    void fixedJobInTheRepeatedHourRunsOnceAtItsFirstOccurrence() {
        assertEquals(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
                next("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z", 2));
        assertEquals(library("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z", 2),
                next("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z", 2), "the library agrees here");
    }

    @Test
    void wildcardJobRunsInBothRepeatedHours() {
        assertEquals(instants("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"),
                next("30 * * * *", BERLIN, "2026-10-25T00:00:00Z", 3));
        assertEquals(instants("2026-10-25T00:40:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:20:00Z",
                        "2026-10-25T01:40:00Z", "2026-10-25T02:00:00Z"),
                next("*/20 * * * *", BERLIN, "2026-10-25T00:30:00Z", 5));
        assertEquals(120, runs("* 2 * * *", BERLIN).runsOn(java.time.LocalDate.of(2026, 10, 25)).size(),
                "a wildcard minute in the repeated hour runs 60 times in each");
        assertEquals(1, runs("30 2 * * *", BERLIN).runsOn(java.time.LocalDate.of(2026, 10, 25)).size());
    }

    @Test
    void newYorkSpringForwardAndFallBackIn2027() {
        assertEquals(instants("2027-03-13T07:30:00Z", "2027-03-14T07:00:00Z", "2027-03-15T06:30:00Z"),
                next("30 2 * * *", NEW_YORK, "2027-03-13T00:00:00Z", 3));
        assertEquals(instants("2027-11-07T05:30:00Z", "2027-11-08T06:30:00Z"),
                next("30 1 * * *", NEW_YORK, "2027-11-07T00:00:00Z", 2));
        assertEquals(instants("2027-11-07T05:30:00Z", "2027-11-07T06:30:00Z"),
                next("30 * * * *", NEW_YORK, "2027-11-07T05:00:00Z", 2));
    }

    @Test
    void halfHourZoneRunsAtItsOwnWallClock() {
        // 02:30 IST is 21:00 UTC the day before; read in UTC it would be 5½ hours late.
        assertEquals(instants("2026-12-01T21:00:00Z", "2026-12-02T21:00:00Z"),
                next("30 2 * * *", KOLKATA, "2026-12-01T12:00:00Z", 2));
    }

    @Test
    void aClockCorrectionOfMoreThanThreeHoursSkipsFixedJobsToo() {
        // Samoa skipped 30 December 2011 (UTC-10 to UTC+14): cron(8) treats it as a correction.
        assertEquals(instants("2011-12-29T22:00:00Z", "2011-12-30T22:00:00Z"),
                next("0 12 * * *", ZoneId.of("Pacific/Apia"), "2011-12-29T12:00:00Z", 2));
    }

    @Test
    void lastRunAtOrBeforeIsInclusiveAndSeesTheCorrection() {
        CronRuns daily = runs("30 2 * * *", BERLIN);
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"),
                daily.lastAtOrBefore(Instant.parse("2026-03-29T01:00:00Z")).orElseThrow());
        assertEquals(Instant.parse("2026-03-28T01:30:00Z"),
                daily.lastAtOrBefore(Instant.parse("2026-03-29T00:59:59Z")).orElseThrow());
        assertEquals(Instant.parse("2026-10-25T00:30:00Z"),
                daily.lastAtOrBefore(Instant.parse("2026-10-26T01:29:59Z")).orElseThrow());
    }

    @Test
    void longestGapOfADailyJobIsTheFallBackDay() {
        RunGap gap = runs("30 2 * * *", BERLIN).longestGap(Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"));
        assertEquals(Duration.ofHours(25), gap.length());
        assertEquals(Instant.parse("2026-10-25T00:30:00Z"), gap.after());
        assertEquals(Duration.ofHours(24), runs("30 2 * * *", KOLKATA).longestGap(
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")).length());
    }

    @Test
    void longestGapOfWildcardJobsStaysEvenAcrossBothChanges() {
        RunGap gap = runs("*/20 * * * *", BERLIN).longestGap(Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"));
        assertEquals(Duration.ofMinutes(20), gap.length());
    }

    @Test
    void longestGapOfWeekdayJobIsTheWeekend() {
        RunGap gap = runs("0 9 * * 1-5", NEW_YORK).longestGap(Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"));
        // Friday 09:00 to Monday 09:00, one hour longer over the November change.
        assertEquals(Duration.ofHours(73), gap.length());
        assertTrue(gap.after().isAfter(Instant.parse("2027-11-04T00:00:00Z")));
    }

    @Test
    void aRepeatedIntervalAcrossMidnightInterleavesTwoDaysRuns() {
        // St. John's fell back at 00:01 NDT on 2010-11-07 to 23:01 NST on the 6th: 23:01-00:01 twice.
        ZoneId stJohns = ZoneId.of("America/St_Johns");
        assertEquals(instants("2010-11-07T02:30:00Z", "2010-11-07T02:50:00Z", "2010-11-07T03:10:00Z", "2010-11-07T03:30:00Z"),
                next("*/20 * * * *", stJohns, "2010-11-07T02:20:00Z", 4));
        assertEquals(Instant.parse("2010-11-07T02:30:00Z"),
                runs("*/20 * * * *", stJohns).lastAtOrBefore(Instant.parse("2010-11-07T02:45:00Z")).orElseThrow());
        assertEquals(Duration.ofMinutes(20), runs("*/20 * * * *", stJohns).longestGap(
                Instant.parse("2010-11-06T00:00:00Z"), Instant.parse("2010-11-09T00:00:00Z")).length());
    }
}
