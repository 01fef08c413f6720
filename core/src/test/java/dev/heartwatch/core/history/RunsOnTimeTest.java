package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.BeatGaps;
import dev.heartwatch.core.outage.RunBeat;
import dev.heartwatch.core.outage.Signal;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.schedule.Schedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs on time for cron devices (docs/history.md, "Runs on time"), with frozen time: every
 * {@code now} is a fixed instant, and the daylight-saving changes are Berlin's of 2026.
 */
class RunsOnTimeTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Duration THRESHOLD = Duration.ofMinutes(5);
    private static final HistoryModel MODEL = new HistoryModel(THRESHOLD, Duration.ofMinutes(1));
    private static final Schedule.Cron NIGHTLY = new Schedule.Cron("30 2 * * *", BERLIN, Duration.ofHours(1));

    private record Sent(Instant at, Signal signal, Long durationMs) {
    }

    private static Sent success(String at, Long durationMs) {
        return new Sent(Instant.parse(at), Signal.SUCCESS, durationMs);
    }

    private static Sent fail(String at) {
        return new Sent(Instant.parse(at), Signal.FAIL, null);
    }

    /** The beats through the one reducer, keeping those of {@code device} whole, as every source does. */
    private static HistoryFacts facts(String device, List<Sent> sent, Instant readFrom, Instant readTo) {
        BeatGaps.Reducer r = new BeatGaps.Reducer(THRESHOLD, device::equals);
        for (Sent s : sent) {
            r.add(new Beat(device, s.at(), s.at(), s.signal() == Signal.STOPPING), s.signal(), s.durationMs());
        }
        return HistoryFacts.fromBeatGaps(readFrom, readTo, r.result(), List.of());
    }

    private static Instant berlin(int year, int month, int day) {
        return ZonedDateTime.of(year, month, day, 0, 0, 0, 0, BERLIN).toInstant();
    }

    private static DeviceHistory nightly(List<Sent> sent, HistoryPeriod period, Instant now) {
        History h = MODEL.compute(facts("backup", sent, period.since().minus(Duration.ofDays(2)), now), period, now,
                d -> NIGHTLY);
        return h.device("backup").orElseThrow();
    }

    @Test
    void springForwardRunMovedByCronIsExpectedAndAnsweredWhereDebianRunsIt() {
        // 2026-03-29 02:30 does not exist in Berlin: Debian's cron runs the job at the change, 03:00 CEST = 01:00Z.
        HistoryPeriod period = new HistoryPeriod(berlin(2026, 3, 27), berlin(2026, 4, 1), BERLIN);
        Instant now = Instant.parse("2026-04-01T00:00:00Z");
        DeviceHistory d = nightly(List.of(
                success("2026-03-27T01:31:00Z", 60_000L),   // 02:30 CET + 1 min: on time
                fail("2026-03-28T01:32:00Z"),               // answered by a fail: not on time
                success("2026-03-29T01:05:00Z", null),      // the moved run (01:00Z): on time
                // 2026-03-30 00:30Z (02:30 CEST): no beat at all, missed
                success("2026-03-31T00:29:30Z", 120_000L)), // 30 s early, inside the early tolerance
                period, now);
        assertTrue(d.countsRuns());
        assertEquals(new RunCount(5, 3, 1), d.runs().total());
        assertEquals(1, d.runs().total().missed());
        assertEquals(60.0, d.runs().total().percent().getAsDouble(), 1e-9);
        assertEquals(new RunCount(1, 1, 0), d.runs().day(LocalDate.parse("2026-03-29")));
        assertEquals(new RunCount(1, 0, 0), d.runs().day(LocalDate.parse("2026-03-30")));
        assertEquals(new RunCount(5, 3, 1), d.runs().month(YearMonth.parse("2026-03")));
        assertEquals(new RunDurations(2, 90_000L, 120_000L, 120_000L), d.durations());
    }

    @Test
    void aBeatAfterGraceOrTooEarlyDoesNotCount() {
        HistoryPeriod period = new HistoryPeriod(berlin(2026, 6, 10), berlin(2026, 6, 12), BERLIN);
        Instant now = berlin(2026, 6, 13);
        // Runs at 00:30Z (02:30 CEST) on the 10th and 11th. Grace PT1H ends at 01:30Z, exclusive.
        DeviceHistory d = nightly(List.of(
                success("2026-06-10T00:28:59Z", null),  // 61 s early: past the PT1M tolerance
                success("2026-06-10T01:30:00Z", null),  // exactly at the end of grace: DOWN already
                success("2026-06-11T01:29:59Z", null)), // one second inside grace
                period, now);
        assertEquals(new RunCount(2, 1, 0), d.runs().total());
        assertEquals(new RunCount(1, 0, 0), d.runs().day(LocalDate.parse("2026-06-10")));
    }

    @Test
    void fallBackDayOfAnEveryHalfHourCronHasFiftyRuns() {
        // 2026-10-25 has 25 hours in Berlin: a wildcard-hour job runs in both 02:xx hours (cron(8)).
        Schedule.Cron halfHourly = new Schedule.Cron("*/30 * * * *", BERLIN, Duration.ofMinutes(10));
        HistoryPeriod period = new HistoryPeriod(berlin(2026, 10, 25), berlin(2026, 10, 26), BERLIN);
        Instant now = berlin(2026, 10, 27);
        List<Sent> sent = new ArrayList<>();
        for (Instant run : halfHourly.nextDue(period.since().minusSeconds(1), 60)) {
            if (run.isBefore(period.until())) {
                sent.add(new Sent(run.plusSeconds(20), Signal.SUCCESS, 1_000L));
            }
        }
        History h = MODEL.compute(facts("sync", sent, period.since().minus(Duration.ofDays(2)), now), period, now,
                d -> halfHourly);
        DeviceHistory d = h.device("sync").orElseThrow();
        assertEquals(50, sent.size());
        assertEquals(new RunCount(50, 50, 0), d.runs().total());
        assertEquals(new RunCount(50, 50, 0), d.runs().day(LocalDate.parse("2026-10-25")));
        assertEquals(new RunDurations(50, 1_000L, 1_000L, 1_000L), d.durations());
    }

    @Test
    void runsBeforeTheFirstBeatInsideACleanStopOrStillInGraceAreNotExpected() {
        HistoryPeriod period = new HistoryPeriod(berlin(2026, 6, 1), berlin(2026, 6, 11), BERLIN);
        // now: the 10th's run (00:30Z) is 10 minutes old and unanswered, its grace still open.
        Instant now = Instant.parse("2026-06-10T00:40:00Z");
        DeviceHistory d = nightly(List.of(
                success("2026-06-03T00:31:00Z", null),  // first beat read: runs of the 1st and 2nd were not watched
                success("2026-06-04T00:31:00Z", null),
                new Sent(Instant.parse("2026-06-04T12:00:00Z"), Signal.STOPPING, null), // a clean stop ...
                success("2026-06-07T00:31:00Z", null),  // ... until here: the 5th and 6th are not expected
                success("2026-06-08T00:31:00Z", null),
                success("2026-06-09T00:31:00Z", null)),
                period, now);
        assertEquals(new RunCount(5, 5, 0), d.runs().total());
        assertEquals(RunCount.NONE, d.runs().day(LocalDate.parse("2026-06-05")));
        assertEquals(RunCount.NONE, d.runs().day(LocalDate.parse("2026-06-10")));
        assertEquals(RunDurations.NONE, d.durations());
        // Ten minutes later the 10th's grace has ended: now it is a missed run.
        DeviceHistory later = nightly(List.of(success("2026-06-09T00:31:00Z", null)), period,
                Instant.parse("2026-06-10T01:30:00Z"));
        assertEquals(new RunCount(2, 1, 0), later.runs().total());
    }

    @Test
    void aPeriodDeviceKeepsTimeUptimeAndADeviceWithoutScheduleHasNone() {
        HistoryPeriod period = new HistoryPeriod(berlin(2026, 6, 1), berlin(2026, 6, 2), BERLIN);
        Instant now = berlin(2026, 6, 3);
        List<Sent> sent = new ArrayList<>();
        for (Instant t = period.since(); t.isBefore(period.until()); t = t.plusSeconds(60)) {
            sent.add(new Sent(t, Signal.SUCCESS, t.equals(period.since()) ? 5L : null));
        }
        HistoryFacts facts = facts("home", sent, period.since().minus(Duration.ofDays(2)), now);
        DeviceHistory d = MODEL.compute(facts, period, now, x -> Schedule.DEFAULT).device("home").orElseThrow();
        assertFalse(d.countsRuns());
        assertNull(d.runs());
        assertEquals(Schedule.DEFAULT, d.schedule());
        assertEquals(100.0, d.total().percent().getAsDouble(), 1e-9);
        assertEquals(new RunDurations(1, 5L, 5L, 5L), d.durations());
        DeviceHistory plain = MODEL.compute(facts, period, now).device("home").orElseThrow();
        assertNull(plain.schedule());
        assertEquals(d.total(), plain.total());
    }

    @Test
    void theReducerKeepsOnlyTheNamedDevicesBeatsAndThoseWithADuration() {
        BeatGaps.Reducer r = new BeatGaps.Reducer(THRESHOLD, "cron"::equals);
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        r.add(Beat.of("cron", t));
        r.add(Beat.stopping("cron", t.plusSeconds(60)));
        r.add(Beat.of("heartbeat", t));
        r.add(Beat.of("heartbeat", t.plusSeconds(60)), Signal.SUCCESS, null);
        r.add(Beat.of("heartbeat", t.plusSeconds(120)), Signal.SUCCESS, 42L);
        BeatGaps g = r.result();
        assertEquals(Map.of(
                "cron", List.of(RunBeat.success(t), new RunBeat(t.plusSeconds(60), Signal.STOPPING, null)),
                "heartbeat", List.of(new RunBeat(t.plusSeconds(120), Signal.SUCCESS, 42L))), g.runBeats());
        assertEquals(3, g.spans().get("heartbeat").beats());
        // What a v2 line's state says, and what v1 and anything unknown mean.
        assertEquals(Signal.FAIL, Signal.ofState("fail"));
        assertEquals(Signal.START, Signal.ofState("start"));
        assertEquals(Signal.STOPPING, Signal.ofState("stopping"));
        assertEquals(Signal.SUCCESS, Signal.ofState("running"));
        assertEquals(Signal.SUCCESS, Signal.ofState("Fail"));
        assertEquals(Signal.SUCCESS, Signal.ofState(null));
    }

    @Test
    void aStartIsNoAnswerAndTheSuccessAfterItIs() {
        HistoryPeriod period = new HistoryPeriod(berlin(2026, 6, 10), berlin(2026, 6, 12), BERLIN);
        DeviceHistory d = nightly(List.of(
                new Sent(Instant.parse("2026-06-10T00:30:00Z"), Signal.START, null),
                success("2026-06-10T00:50:00Z", 1_200_000L),
                new Sent(Instant.parse("2026-06-11T00:30:00Z"), Signal.START, null)), // never finished
                period, berlin(2026, 6, 13));
        assertEquals(new RunCount(2, 1, 0), d.runs().total());
        assertEquals(new RunDurations(1, 1_200_000L, 1_200_000L, 1_200_000L), d.durations());
    }
}
