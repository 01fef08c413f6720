package dev.heartwatch.core.outage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UptimeCalculatorTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");
    private static final Coverage SINCE_2026 = new Coverage("pi", Instant.parse("2026-01-01T00:00:00Z"), List.of());

    private static Instant berlin(String local) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(local), BERLIN).toInstant();
    }

    private static Outage outage(Instant start, Instant end) {
        return new Outage("pi", start, end, "dns", "", Source.AGENT, "o");
    }

    @Test
    void springForwardDayHasTwentyThreeMonitoredHours() {
        LocalDate day = LocalDate.of(2026, 3, 29); // clocks go 02:00 -> 03:00 in Berlin
        List<Outage> oneHour = List.of(outage(berlin("2026-03-29T10:00"), berlin("2026-03-29T11:00")));
        Uptime u = UptimeCalculator.perDay("pi", SINCE_2026, oneHour, day, day, BERLIN, NOW).get(day);
        assertEquals(Duration.ofHours(23), u.monitored());
        assertEquals(100.0 * 22 / 23, u.percent().orElseThrow(), 1e-9);
    }

    @Test
    void fallBackDayHasTwentyFiveMonitoredHours() {
        LocalDate day = LocalDate.of(2026, 10, 25); // clocks go 03:00 -> 02:00 in Berlin
        List<Outage> oneHour = List.of(outage(berlin("2026-10-25T10:00"), berlin("2026-10-25T11:00")));
        Uptime u = UptimeCalculator.perDay("pi", SINCE_2026, oneHour, day, day, BERLIN, NOW).get(day);
        assertEquals(Duration.ofHours(25), u.monitored());
        assertEquals(96.0, u.percent().orElseThrow(), 1e-9);
    }

    @Test
    void outageSpanningMidnightIsSplitBetweenTheTwoDays() {
        List<Outage> across = List.of(outage(berlin("2026-06-10T23:30"), berlin("2026-06-11T00:30")));
        SortedMap<LocalDate, Uptime> days = UptimeCalculator.perDay("pi", SINCE_2026, across,
                LocalDate.of(2026, 6, 10), LocalDate.of(2026, 6, 11), BERLIN, NOW);
        assertEquals(Duration.ofMinutes(30), days.get(LocalDate.of(2026, 6, 10)).down());
        assertEquals(Duration.ofMinutes(30), days.get(LocalDate.of(2026, 6, 11)).down());
    }

    @Test
    void outageSpanningAMonthEndIsSplitBetweenTheTwoMonths() {
        List<Outage> across = List.of(outage(berlin("2026-01-31T23:00"), berlin("2026-02-01T01:00")));
        SortedMap<YearMonth, Uptime> months = UptimeCalculator.perMonth("pi", SINCE_2026, across,
                YearMonth.of(2026, 1), YearMonth.of(2026, 2), BERLIN, NOW);
        Uptime feb = months.get(YearMonth.of(2026, 2));
        assertEquals(Duration.ofHours(1), feb.down());
        assertEquals(Duration.ofDays(28), feb.monitored());
        assertEquals(100.0 * (28 * 24 - 1) / (28 * 24), feb.percent().orElseThrow(), 1e-9);
    }

    @Test
    void marchInBerlinHasOneHourLessThanThirtyOneDays() {
        Uptime march = UptimeCalculator.perMonth("pi", SINCE_2026, List.of(), YearMonth.of(2026, 3),
                YearMonth.of(2026, 3), BERLIN, NOW).get(YearMonth.of(2026, 3));
        assertEquals(Duration.ofDays(31).minusHours(1), march.monitored());
        assertEquals(100.0, march.percent().orElseThrow());
    }

    @Test
    void timeBeforeTheFirstHeartbeatIsNotMonitored() {
        Coverage fromNoon = new Coverage("pi", berlin("2026-06-10T12:00"), List.of());
        List<Outage> early = List.of(outage(berlin("2026-06-10T08:00"), berlin("2026-06-10T13:00")));
        Uptime u = UptimeCalculator.perDay("pi", fromNoon, early, LocalDate.of(2026, 6, 10),
                LocalDate.of(2026, 6, 10), BERLIN, NOW).get(LocalDate.of(2026, 6, 10));
        assertEquals(Duration.ofHours(12), u.monitored());
        assertEquals(Duration.ofHours(1), u.down());
    }

    @Test
    void deliberateStopIsNeitherUpNorDown() {
        Coverage stopped = new Coverage("pi", SINCE_2026.firstSeen(),
                List.of(new Coverage.Stop(berlin("2026-06-10T10:00"), berlin("2026-06-10T16:00"))));
        List<Outage> overlapping = List.of(outage(berlin("2026-06-10T15:00"), berlin("2026-06-10T17:00")));
        Uptime u = UptimeCalculator.perDay("pi", stopped, overlapping, LocalDate.of(2026, 6, 10),
                LocalDate.of(2026, 6, 10), BERLIN, NOW).get(LocalDate.of(2026, 6, 10));
        assertEquals(Duration.ofHours(18), u.monitored());
        assertEquals(Duration.ofHours(1), u.down());
    }

    @Test
    void ongoingOutageCountsUntilNowAndTheFutureIsNotMonitored() {
        Instant now = berlin("2026-06-10T12:00");
        List<Outage> ongoing = List.of(outage(berlin("2026-06-10T11:00"), null));
        Uptime u = UptimeCalculator.perDay("pi", SINCE_2026, ongoing, LocalDate.of(2026, 6, 10),
                LocalDate.of(2026, 6, 10), BERLIN, now).get(LocalDate.of(2026, 6, 10));
        assertEquals(Duration.ofHours(12), u.monitored());
        assertEquals(Duration.ofHours(1), u.down());
    }

    @Test
    void deviceNeverHeardHasNoUptimeFigure() {
        Uptime u = UptimeCalculator.over("pi", null, List.of(), berlin("2026-06-10T00:00"), berlin("2026-06-11T00:00"), NOW);
        assertTrue(u.percent().isEmpty());
    }

    @Test
    void coverageFromBeatsStartsAtTheFirstBeatAndStopsAtStoppingBeats() {
        var beats = List.of(
                dev.heartwatch.core.rule.Beat.of("pi", berlin("2026-06-10T09:00")),
                dev.heartwatch.core.rule.Beat.stopping("pi", berlin("2026-06-10T10:00")),
                dev.heartwatch.core.rule.Beat.of("pi", berlin("2026-06-10T16:00")),
                dev.heartwatch.core.rule.Beat.stopping("pi", berlin("2026-06-10T20:00")));
        Coverage c = coverage(beats, berlin("2026-06-10T21:00"));
        assertEquals(new Coverage("pi", berlin("2026-06-10T09:00"), List.of(
                new Coverage.Stop(berlin("2026-06-10T10:00"), berlin("2026-06-10T16:00")),
                new Coverage.Stop(berlin("2026-06-10T20:00"), null))), c);
    }

    @Test
    void aCleanStopNoLongerThanTheThresholdIsWatchedTime() {
        var beats = List.of(
                dev.heartwatch.core.rule.Beat.of("pi", berlin("2026-06-10T09:00")),
                dev.heartwatch.core.rule.Beat.stopping("pi", berlin("2026-06-10T10:00")),
                dev.heartwatch.core.rule.Beat.of("pi", berlin("2026-06-10T10:02")),
                dev.heartwatch.core.rule.Beat.stopping("pi", berlin("2026-06-10T11:00")),
                dev.heartwatch.core.rule.Beat.of("pi", berlin("2026-06-10T11:05")),
                dev.heartwatch.core.rule.Beat.stopping("pi", berlin("2026-06-10T20:00")));
        assertEquals(List.of(), coverage(beats, berlin("2026-06-10T20:04:59")).stopped(),
                "a 2-minute restart, one of exactly the threshold, and an open stop of 4:59 are watched");
        assertEquals(List.of(new Coverage.Stop(berlin("2026-06-10T20:00"), null)),
                coverage(beats, berlin("2026-06-10T20:05")).stopped(), "an open stop counts once it has lasted the threshold");
    }

    private static Coverage coverage(List<dev.heartwatch.core.rule.Beat> beats, Instant horizon) {
        Duration threshold = Duration.ofMinutes(5);
        BeatGaps reduced = BeatGaps.of(beats, threshold);
        return Coverage.of(reduced.spans().get("pi"), reduced.gaps(), threshold, horizon);
    }
}
