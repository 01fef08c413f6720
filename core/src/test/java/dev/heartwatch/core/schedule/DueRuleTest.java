package dev.heartwatch.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.heartwatch.core.rule.DeviceFacts;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The decision at its exact boundaries: a second before grace ends, at grace end, across DST. */
class DueRuleTest {

    private static final DueRule RULE = DueRule.standard();
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    private static DeviceFacts beatAt(String text) {
        return new DeviceFacts("dev", at(text), false);
    }

    private static DueStatus status(Schedule s, DeviceFacts facts, String now) {
        return RULE.decide(s, facts, at(now)).status();
    }

    @Test
    void periodIsUpUntilDueLateUntilGraceEndsThenDown() {
        Schedule nas = new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5));
        DeviceFacts beat = beatAt("2026-12-02T10:00:00Z");
        assertEquals(DueStatus.UP, status(nas, beat, "2026-12-02T10:09:59Z"));
        assertEquals(DueStatus.LATE, status(nas, beat, "2026-12-02T10:10:00Z"));
        assertEquals(DueStatus.LATE, status(nas, beat, "2026-12-02T10:14:59Z"), "one second before grace ends");
        assertEquals(DueStatus.DOWN, status(nas, beat, "2026-12-02T10:15:00Z"), "at grace end: inclusive");
        Due due = RULE.decide(nas, beat, at("2026-12-02T10:15:00Z"));
        assertEquals(at("2026-12-02T10:10:00Z"), due.dueAt());
        assertEquals(at("2026-12-02T10:10:00Z"), due.lateAt());
        assertEquals(at("2026-12-02T10:15:00Z"), due.downAt());
    }

    @Test
    void defaultScheduleIsTodaysThreshold() {
        assertEquals(new Schedule.Period(Duration.ofMinutes(1), Duration.ofMinutes(4)), Schedule.DEFAULT);
        Due due = RULE.decide(Schedule.DEFAULT, beatAt("2026-12-02T10:00:00Z"), at("2026-12-02T10:05:00Z"));
        assertEquals(SilenceRule.recommended().declaredDownAt(at("2026-12-02T10:00:00Z")), due.downAt());
    }

    /** Nothing changes for existing devices: DOWN exactly when today's rule says so. */
    @Property(tries = 500)
    void defaultScheduleIsDownExactlyWhenSilenceRuleIs(@ForAll @LongRange(min = 0, max = 2 * 86_400 - 1) long silentSeconds) {
        SilenceRule today = SilenceRule.recommended().withExpectedDevices(Set.of("dev"));
        Instant last = at("2026-12-02T10:00:00Z");
        Instant now = last.plusSeconds(silentSeconds);
        boolean downToday = today.status(new DeviceFacts("dev", last, false), now) == DeviceStatus.DOWN;
        boolean downHere = RULE.decide(Schedule.DEFAULT, new DeviceFacts("dev", last, false), now).status() == DueStatus.DOWN;
        assertEquals(downToday, downHere, "silent " + silentSeconds + " s");
    }

    @Test
    void cronRunAnsweredIsUpAndDueAtTheNextRun() {
        Schedule backup = new Schedule.Cron("30 2 * * *", BERLIN, Duration.ofHours(1));
        Due due = RULE.decide(backup, beatAt("2026-12-02T01:40:00Z"), at("2026-12-02T12:00:00Z"));
        assertEquals(DueStatus.UP, due.status());
        assertEquals(at("2026-12-03T01:30:00Z"), due.dueAt());
        assertEquals(at("2026-12-03T02:30:00Z"), due.downAt());
    }

    @Test
    void cronMissedRunAcrossSpringForwardIsLateAtTheChangeAndDownAGraceLater() {
        // Berlin 2026-03-29: 02:30 does not exist; Debian runs the job at 03:00 CEST = 01:00Z.
        Schedule backup = new Schedule.Cron("30 2 * * *", BERLIN, Duration.ofHours(1));
        DeviceFacts answeredSaturday = beatAt("2026-03-28T01:35:00Z");
        assertEquals(DueStatus.UP, status(backup, answeredSaturday, "2026-03-29T00:59:59Z"));
        assertEquals(DueStatus.LATE, status(backup, answeredSaturday, "2026-03-29T01:00:00Z"));
        assertEquals(DueStatus.LATE, status(backup, answeredSaturday, "2026-03-29T01:59:59Z"));
        assertEquals(DueStatus.DOWN, status(backup, answeredSaturday, "2026-03-29T02:00:00Z"));
        assertEquals(DueStatus.UP, status(backup, beatAt("2026-03-29T01:05:00Z"), "2026-03-29T02:00:00Z"),
                "the run right after the change, answered");
    }

    @Test
    void cronAcrossFallBackIsDueOnceInTheRepeatedHour() {
        // Berlin 2026-10-25: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET); the job runs at the first.
        Schedule backup = new Schedule.Cron("30 2 * * *", BERLIN, Duration.ofHours(1));
        DeviceFacts answeredSaturday = beatAt("2026-10-24T00:35:00Z");
        assertEquals(DueStatus.UP, status(backup, answeredSaturday, "2026-10-25T00:29:59Z"));
        assertEquals(DueStatus.LATE, status(backup, answeredSaturday, "2026-10-25T00:30:00Z"));
        assertEquals(DueStatus.LATE, status(backup, answeredSaturday, "2026-10-25T01:29:59Z"));
        assertEquals(DueStatus.DOWN, status(backup, answeredSaturday, "2026-10-25T01:30:00Z"));
        Due answered = RULE.decide(backup, beatAt("2026-10-25T00:40:00Z"), at("2026-10-25T01:30:00Z"));
        assertEquals(DueStatus.UP, answered.status(), "not due again at the second 02:30");
        assertEquals(at("2026-10-26T01:30:00Z"), answered.dueAt());
    }

    @Test
    void hourlyWildcardCronIsDueInBothRepeatedHours() {
        Schedule sync = new Schedule.Cron("30 * * * *", BERLIN, Duration.ofMinutes(10));
        DeviceFacts firstPass = beatAt("2026-10-25T00:31:00Z");
        assertEquals(at("2026-10-25T01:30:00Z"), RULE.decide(sync, firstPass, at("2026-10-25T01:00:00Z")).dueAt());
        assertEquals(DueStatus.LATE, status(sync, firstPass, "2026-10-25T01:39:59Z"));
        assertEquals(DueStatus.DOWN, status(sync, firstPass, "2026-10-25T01:40:00Z"));
    }

    @Test
    void cronInKolkataMeasuresFromItsOwnWallClock() {
        // 02:30 IST = 21:00Z the day before; a zone read as UTC would wait until 02:30Z.
        Schedule job = new Schedule.Cron("30 2 * * *", ZoneId.of("Asia/Kolkata"), Duration.ofMinutes(10));
        DeviceFacts answered = beatAt("2026-12-01T21:01:00Z");
        assertEquals(DueStatus.UP, status(job, answered, "2026-12-02T20:59:59Z"));
        assertEquals(DueStatus.LATE, status(job, answered, "2026-12-02T21:09:59Z"));
        assertEquals(DueStatus.DOWN, status(job, answered, "2026-12-02T21:10:00Z"));
    }

    @Test
    void aBeatUpToTheToleranceEarlyCountsForTheComingRun() {
        Schedule every5 = new Schedule.Cron("*/5 * * * *", ZoneId.of("UTC"), Duration.ofMinutes(2));
        assertEquals(at("2026-12-02T10:10:00Z"), RULE.decide(every5, beatAt("2026-12-02T10:04:00Z"), at("2026-12-02T10:04:30Z")).dueAt());
        assertEquals(at("2026-12-02T10:05:00Z"), RULE.decide(every5, beatAt("2026-12-02T10:03:59Z"), at("2026-12-02T10:04:30Z")).dueAt());
    }

    @Test
    void theToleranceNeverReachesPastHalfTheGapSoOneBeatAnswersOneRun() {
        Schedule everyMinute = new Schedule.Cron("* * * * *", ZoneId.of("UTC"), Duration.ofMinutes(2));
        assertEquals(at("2026-12-02T10:01:00Z"), RULE.decide(everyMinute, beatAt("2026-12-02T10:00:29Z"), at("2026-12-02T10:00:40Z")).dueAt());
        assertEquals(at("2026-12-02T10:02:00Z"), RULE.decide(everyMinute, beatAt("2026-12-02T10:00:30Z"), at("2026-12-02T10:00:40Z")).dueAt());
        Schedule strict = new Schedule.Cron("*/5 * * * *", ZoneId.of("UTC"), Duration.ofMinutes(2));
        assertEquals(at("2026-12-02T10:05:00Z"),
                new DueRule(Duration.ZERO).decide(strict, beatAt("2026-12-02T10:04:59Z"), at("2026-12-02T10:04:59Z")).dueAt());
    }

    @Test
    void stoppedAndNeverHeardHaveNoDueTime() {
        Due stopped = RULE.decide(Schedule.DEFAULT, new DeviceFacts("dev", at("2026-12-02T10:00:00Z"), true), at("2026-12-05T10:00:00Z"));
        assertEquals(DueStatus.STOPPED, stopped.status());
        assertNull(stopped.dueAt());
        Due never = RULE.decide(Schedule.DEFAULT, DeviceFacts.neverSeen("dev"), at("2026-12-05T10:00:00Z"));
        assertEquals(DueStatus.NEVER_HEARD, never.status());
        assertNull(never.downAt());
    }
}
