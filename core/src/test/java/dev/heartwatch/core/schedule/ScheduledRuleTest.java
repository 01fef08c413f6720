package dev.heartwatch.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.rule.DeviceFacts;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.Flip;
import dev.heartwatch.core.rule.RunSignals;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The server's per-device rule (issue 16 §3, §5) with time frozen at every boundary: one second
 * before grace ends, at grace end (inclusive), across DST both ways in Europe/Berlin and
 * America/New_York, in Asia/Kolkata (no DST); start and fail signals; and, with the default
 * schedule and no signals, exactly today's {@link SilenceRule}.
 */
class ScheduledRuleTest {

    private static final SilenceRule SILENCE = SilenceRule.recommended();
    private static final ScheduledRule RULE = ScheduledRule.of(SILENCE);
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    private static DeviceFacts heard(String text) {
        return new DeviceFacts("job", at(text), false);
    }

    private static DeviceStatus status(Schedule s, DeviceFacts facts, RunSignals signals, String now) {
        return RULE.status(facts, s, signals, false, at(now));
    }

    private static DeviceStatus status(Schedule s, DeviceFacts facts, String now) {
        return status(s, facts, RunSignals.none(), now);
    }

    private static RunSignals success(String t) {
        return new RunSignals(at(t), null, null, null);
    }

    // ---- the default schedule is today's rule, flips and reasons included ----

    @Property(tries = 2000)
    void withTheDefaultScheduleEveryDecisionIsTodays(@ForAll @LongRange(min = 0, max = 3 * 86_400) long silentSeconds,
                                                     @ForAll @IntRange(min = 0, max = 3) int kind,
                                                     @ForAll @LongRange(min = 0, max = 600) long runningBefore,
                                                     @ForAll boolean expected, @ForAll @IntRange(min = 0, max = 3) int previous) {
        SilenceRule today = expected ? SILENCE.withExpectedDevices(Set.of("job")) : SILENCE;
        Instant last = at("2026-12-02T10:00:00Z");
        DeviceFacts facts = switch (kind) {
            case 0 -> DeviceFacts.neverSeen("job");
            case 1 -> new DeviceFacts("job", last, false);
            case 2 -> new DeviceFacts("job", last, true, last.minusSeconds(runningBefore)); // a stop, counted or forged
            default -> new DeviceFacts("job", last, true, null);
        };
        Instant now = last.plusSeconds(silentSeconds);
        DeviceStatus prev = DeviceStatus.values()[previous];
        assertEquals(today.status(facts, now), RULE.status(facts, RULE.defaultSchedule(), RunSignals.none(), expected, now));
        Optional<Flip> todays = today.flip(facts, prev, now);
        Optional<Flip> ours = RULE.flip(facts, RULE.defaultSchedule(), RunSignals.none(), expected, prev, now);
        assertEquals(todays, ours, "silent " + silentSeconds + " s, kind " + kind);
    }

    @Test
    void theDefaultScheduleIsTheConfiguredThresholdsNotTheRecommendedOne() {
        SilenceRule seconds = new SilenceRule(Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofMinutes(2),
                Duration.ofSeconds(2), Set.of());
        ScheduledRule rule = ScheduledRule.of(seconds);
        assertEquals(new Schedule.Period(Duration.ofSeconds(2), Duration.ofSeconds(4)), rule.defaultSchedule());
        DeviceFacts f = new DeviceFacts("job", at("2026-12-02T10:00:00Z"), false);
        assertEquals(DeviceStatus.UP, rule.status(f, rule.defaultSchedule(), RunSignals.none(), false, at("2026-12-02T10:00:05Z")));
        assertEquals(DeviceStatus.DOWN, rule.status(f, rule.defaultSchedule(), RunSignals.none(), false, at("2026-12-02T10:00:06Z")));
    }

    // ---- period ----

    @Test
    void aPeriodDeviceIsDownAtPeriodPlusGraceNotASecondBefore() {
        Schedule nas = new Schedule.Period(Duration.ofHours(1), Duration.ofMinutes(10));
        DeviceFacts beat = heard("2026-12-02T10:00:00Z");
        assertEquals(DeviceStatus.UP, status(nas, beat, "2026-12-02T11:09:59Z"), "one second before grace ends (late, not down)");
        assertEquals(DeviceStatus.DOWN, status(nas, beat, "2026-12-02T11:10:00Z"), "at grace end: inclusive");
        Flip down = RULE.flip(beat, nas, RunSignals.none(), false, DeviceStatus.UP, at("2026-12-02T11:10:00Z")).orElseThrow();
        assertEquals(at("2026-12-02T11:10:00Z"), down.at());
        assertTrue(down.reason().startsWith("was due at 2026-12-02T11:00:00Z (every PT1H)"), down.reason());
    }

    // ---- cron across DST, both ways, in two zones, and a zone without DST ----

    @Test
    void newYorkSpringForwardRunsTheMissingHoursJobAtTheChange() {
        // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist; cron(8) runs it at 03:00 EDT = 07:00Z.
        Schedule backup = new Schedule.Cron("30 2 * * *", NEW_YORK, Duration.ofMinutes(30));
        DeviceFacts answeredSaturday = heard("2026-03-07T07:31:00Z"); // 02:31 EST
        assertEquals(DeviceStatus.UP, status(backup, answeredSaturday, "2026-03-08T07:29:59Z"), "one second before grace ends");
        assertEquals(DeviceStatus.DOWN, status(backup, answeredSaturday, "2026-03-08T07:30:00Z"), "at grace end");
        Flip down = RULE.flip(answeredSaturday, backup, RunSignals.none(), false, DeviceStatus.UP, at("2026-03-08T07:30:00Z"))
                .orElseThrow();
        assertTrue(down.reason().startsWith("was due at 2026-03-08T07:00:00Z (cron \"30 2 * * *\" in America/New_York)"),
                down.reason());
    }

    @Test
    void newYorkFallBackIsDueOnceInTheRepeatedHour() {
        // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens at 05:30Z and 06:30Z; the job runs at the first.
        Schedule sync = new Schedule.Cron("30 1 * * *", NEW_YORK, Duration.ofMinutes(20));
        DeviceFacts answeredSaturday = heard("2026-10-31T05:31:00Z");
        assertEquals(DeviceStatus.UP, status(sync, answeredSaturday, "2026-11-01T05:49:59Z"));
        assertEquals(DeviceStatus.DOWN, status(sync, answeredSaturday, "2026-11-01T05:50:00Z"));
        DeviceFacts answeredFirstPass = heard("2026-11-01T05:31:00Z");
        assertEquals(DeviceStatus.UP, status(sync, answeredFirstPass, "2026-11-01T06:50:00Z"), "not due again at the second 01:30");
        assertEquals(DeviceStatus.UP, status(sync, answeredFirstPass, "2026-11-02T06:49:59Z"));
        assertEquals(DeviceStatus.DOWN, status(sync, answeredFirstPass, "2026-11-02T06:50:00Z"), "next day's 01:30 EST");
    }

    @Test
    void berlinBothWaysThroughTheServerRule() {
        Schedule backup = new Schedule.Cron("30 2 * * *", BERLIN, Duration.ofHours(1));
        assertEquals(DeviceStatus.UP, status(backup, heard("2026-03-28T01:35:00Z"), "2026-03-29T01:59:59Z"));
        assertEquals(DeviceStatus.DOWN, status(backup, heard("2026-03-28T01:35:00Z"), "2026-03-29T02:00:00Z"));
        assertEquals(DeviceStatus.UP, status(backup, heard("2026-10-24T00:35:00Z"), "2026-10-25T01:29:59Z"));
        assertEquals(DeviceStatus.DOWN, status(backup, heard("2026-10-24T00:35:00Z"), "2026-10-25T01:30:00Z"));
    }

    @Test
    void kolkataHasNoDstAndAWrongZoneWouldMissIt() {
        // 05:30 IST = 00:00Z; the same cron in UTC would be due at 05:30Z.
        Schedule ist = new Schedule.Cron("30 5 * * *", KOLKATA, Duration.ofMinutes(5));
        Schedule utc = new Schedule.Cron("30 5 * * *", ZoneId.of("UTC"), Duration.ofMinutes(5));
        DeviceFacts yesterday = heard("2026-12-01T00:01:00Z");
        assertEquals(DeviceStatus.UP, status(ist, yesterday, "2026-12-02T00:04:59Z"));
        assertEquals(DeviceStatus.DOWN, status(ist, yesterday, "2026-12-02T00:05:00Z"));
        assertEquals(DeviceStatus.DOWN, status(utc, yesterday, "2026-12-02T00:05:00Z"), "UTC's run of yesterday 05:30Z was missed too");
        DeviceFacts afterUtcRun = heard("2026-12-01T05:31:00Z");
        assertEquals(DeviceStatus.DOWN, status(ist, afterUtcRun, "2026-12-02T00:05:00Z"));
        assertEquals(DeviceStatus.UP, status(utc, afterUtcRun, "2026-12-02T00:05:00Z"), "in UTC the run is hours away");
    }

    // ---- fail ----

    @Test
    void aFailIsDownAtOnceWithItsExitStatusAndResolvesOnTheNextSuccess() {
        Schedule daily = new Schedule.Cron("0 3 * * *", BERLIN, Duration.ofHours(1));
        Instant fail = at("2026-12-02T02:05:00Z");
        DeviceFacts failed = new DeviceFacts("job", fail, false);
        RunSignals signals = new RunSignals(at("2026-12-01T02:04:00Z"), at("2026-12-02T02:00:00Z"), fail, 3);
        assertEquals(DeviceStatus.DOWN, RULE.status(failed, daily, signals, false, fail), "at the fail itself");
        Flip down = RULE.flip(failed, daily, signals, false, DeviceStatus.UP, fail).orElseThrow();
        assertEquals(fail, down.at());
        assertTrue(down.reason().startsWith("failed (exit status 3) at " + fail), down.reason());
        assertTrue(RULE.downByFail(failed, signals, false, fail));
        // a start after the fail does not end it; only a success does
        RunSignals restarted = new RunSignals(signals.lastSuccess(), at("2026-12-02T02:10:00Z"), fail, 3);
        assertEquals(DeviceStatus.DOWN, RULE.status(new DeviceFacts("job", at("2026-12-02T02:10:00Z"), false), daily,
                restarted, false, at("2026-12-02T02:10:00Z")));
        Instant ok = at("2026-12-02T02:20:00Z");
        RunSignals resolved = new RunSignals(ok, restarted.lastStart(), fail, 3);
        Flip up = RULE.flip(new DeviceFacts("job", ok, false), daily, resolved, false, DeviceStatus.DOWN, ok).orElseThrow();
        assertEquals(DeviceStatus.UP, up.to());
        assertEquals(ok, up.at());
    }

    @Test
    void aFailWithoutExitStatusSaysFailed() {
        Instant fail = at("2026-12-02T10:00:00Z");
        Flip down = RULE.flip(new DeviceFacts("job", fail, false), RULE.defaultSchedule(),
                new RunSignals(null, null, fail, null), false, DeviceStatus.UNKNOWN, fail).orElseThrow();
        assertTrue(down.reason().startsWith("failed at "), down.reason());
    }

    @Test
    void aStopDoesNotEndAFail() {
        Instant fail = at("2026-12-02T10:00:00Z");
        DeviceFacts stopped = new DeviceFacts("job", fail.plusSeconds(10), true, fail);
        assertEquals(DeviceStatus.DOWN, RULE.status(stopped, RULE.defaultSchedule(),
                new RunSignals(fail.minusSeconds(60), null, fail, 1), false, fail.plusSeconds(20)));
    }

    @Test
    void aFailBeyondTheLookbackOfADeviceNotExpectedIsNoLongerWatchedAsAzureSeesIt() {
        Instant fail = at("2026-12-02T10:00:00Z");
        RunSignals s = new RunSignals(null, null, fail, 1);
        DeviceFacts f = new DeviceFacts("job", fail, false);
        assertEquals(DeviceStatus.DOWN, RULE.status(f, RULE.defaultSchedule(), s, false, fail.plus(SILENCE.lookback()).minusSeconds(1)));
        assertEquals(DeviceStatus.UNKNOWN, RULE.status(f, RULE.defaultSchedule(), s, false, fail.plus(SILENCE.lookback())));
        assertEquals(DeviceStatus.DOWN, RULE.status(f, RULE.defaultSchedule(), s, true, fail.plus(SILENCE.lookback())));
        assertFalse(RULE.downByFail(f, s, false, fail.plus(SILENCE.lookback())));
    }

    // ---- start ----

    @Test
    void aStartWithoutASuccessIsDownGraceAfterTheStartWhateverTheScheduleSays() {
        // Period PT1H: without the start it would be due at 11:00, down at 11:10.
        Schedule hourly = new Schedule.Period(Duration.ofHours(1), Duration.ofMinutes(10));
        Instant start = at("2026-12-02T10:00:00Z");
        DeviceFacts heardAtStart = new DeviceFacts("job", start, false);
        RunSignals open = new RunSignals(at("2026-12-02T09:00:00Z"), start, null, null);
        assertEquals(DeviceStatus.UP, RULE.status(heardAtStart, hourly, open, false, at("2026-12-02T10:09:59Z")),
                "one second before grace ends");
        assertEquals(DeviceStatus.DOWN, RULE.status(heardAtStart, hourly, open, false, at("2026-12-02T10:10:00Z")),
                "at start + grace");
        Flip down = RULE.flip(heardAtStart, hourly, open, false, DeviceStatus.UP, at("2026-12-02T10:10:00Z")).orElseThrow();
        assertEquals(at("2026-12-02T10:10:00Z"), down.at());
        assertTrue(down.reason().startsWith("started at 2026-12-02T10:00:00Z, no success within grace PT10M"), down.reason());
        Due due = DueRule.standard().decide(hourly, heardAtStart, open, at("2026-12-02T10:05:00Z"));
        assertEquals(start, due.dueAt());
        assertEquals(at("2026-12-02T10:10:00Z"), due.lateAt());
        assertEquals(at("2026-12-02T10:10:00Z"), due.downAt());
    }

    @Test
    void aSuccessAfterTheStartClosesTheRunAndTheScheduleDecidesAgain() {
        Schedule hourly = new Schedule.Period(Duration.ofHours(1), Duration.ofMinutes(10));
        Instant start = at("2026-12-02T10:00:00Z");
        Instant ok = at("2026-12-02T10:09:00Z");
        RunSignals closed = new RunSignals(ok, start, null, null);
        DeviceFacts f = new DeviceFacts("job", ok, false);
        assertEquals(DeviceStatus.UP, RULE.status(f, hourly, closed, false, at("2026-12-02T11:18:59Z")));
        assertEquals(DeviceStatus.DOWN, RULE.status(f, hourly, closed, false, at("2026-12-02T11:19:00Z")));
    }

    @Test
    void aFailAfterTheStartClosesTheRunAndIsDownAtOnce() {
        Schedule hourly = new Schedule.Period(Duration.ofHours(1), Duration.ofMinutes(10));
        Instant start = at("2026-12-02T10:00:00Z");
        Instant fail = at("2026-12-02T10:01:00Z");
        RunSignals failed = new RunSignals(null, start, fail, 2);
        assertFalse(failed.runOpen());
        assertEquals(DeviceStatus.DOWN, RULE.status(new DeviceFacts("job", fail, false), hourly, failed, false, fail));
    }

    @Test
    void aStartOnACronIsDownGraceAfterItAcrossTheBerlinFallBack() {
        Schedule backup = new Schedule.Cron("30 2 * * *", BERLIN, Duration.ofMinutes(45));
        Instant start = at("2026-10-25T00:30:00Z"); // the first 02:30 (CEST)
        RunSignals open = new RunSignals(at("2026-10-24T00:40:00Z"), start, null, null);
        DeviceFacts f = new DeviceFacts("job", start, false);
        assertEquals(DeviceStatus.UP, RULE.status(f, backup, open, false, at("2026-10-25T01:14:59Z")));
        assertEquals(DeviceStatus.DOWN, RULE.status(f, backup, open, false, at("2026-10-25T01:15:00Z")));
    }

    @Test
    void signalsOfAV1SenderChangeNothing() {
        DeviceFacts f = heard("2026-12-02T10:00:00Z");
        RunSignals onlySuccesses = success("2026-12-02T10:00:00Z");
        for (long s = 0; s < 400; s += 7) {
            Instant now = at("2026-12-02T10:00:00Z").plusSeconds(s);
            assertEquals(SILENCE.status(f, now), RULE.status(f, RULE.defaultSchedule(), onlySuccesses, false, now));
        }
    }
}
