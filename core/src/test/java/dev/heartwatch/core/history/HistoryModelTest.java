package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.DeviceSpan;
import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.outage.Source;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.rule.Beat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one history model: the same figures from beats and from gaps, and the one coverage rule. */
class HistoryModelTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Duration THRESHOLD = Duration.ofMinutes(5);
    private static final HistoryModel MODEL = new HistoryModel(THRESHOLD, Duration.ofMinutes(1));
    private static final Instant T0 = Instant.parse("2026-06-10T00:00:00Z");

    private static List<Beat> everyMinute(String device, Instant from, Instant to) {
        List<Beat> out = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(60)) {
            out.add(Beat.of(device, t));
        }
        return out;
    }

    private static History history(List<Beat> beats, List<ReportedOutage> reports, HistoryPeriod period, Instant now) {
        return MODEL.compute(HistoryFacts.fromBeats(period.since().minus(Duration.ofDays(2)), now, beats, reports,
                THRESHOLD), period, now);
    }

    private static HistoryPeriod day(Instant since) {
        return new HistoryPeriod(since, since.plus(Duration.ofDays(1)), ZoneOffset.UTC);
    }

    /** A beat at {@code at} that says stopping, replacing the running one. */
    private static void stopAt(List<Beat> beats, Instant at) {
        beats.removeIf(b -> b.at().equals(at));
        beats.add(Beat.stopping("pi", at));
    }

    @Test
    void aTwoMinuteCleanRestartIsWatchedAndUp() {
        List<Beat> beats = new ArrayList<>(everyMinute("pi", T0, T0.plus(Duration.ofHours(24))));
        beats.removeIf(b -> b.at().isAfter(T0.plus(Duration.ofHours(10))) && b.at().isBefore(T0.plus(Duration.ofMinutes(602))));
        stopAt(beats, T0.plus(Duration.ofHours(10)));
        DeviceHistory pi = history(beats, List.of(), day(T0), T0.plus(Duration.ofHours(24))).device("pi").orElseThrow();
        assertEquals(List.of(), pi.outages());
        assertEquals(List.of(), pi.coverage().stopped());
        assertEquals(Duration.ofHours(24), pi.total().monitored(), "from the first beat to now, the 2 minutes included");
        assertEquals(100.0, pi.total().percent().orElseThrow());
    }

    @Test
    void aCleanStopLongerThanTheThresholdIsUnmonitoredNotDown() {
        List<Beat> beats = new ArrayList<>(everyMinute("pi", T0, T0.plus(Duration.ofHours(24))));
        beats.removeIf(b -> b.at().isAfter(T0.plus(Duration.ofHours(10))) && b.at().isBefore(T0.plus(Duration.ofHours(12))));
        stopAt(beats, T0.plus(Duration.ofHours(10)));
        Instant now = T0.plus(Duration.ofHours(24));
        DeviceHistory pi = history(beats, List.of(), day(T0), now).device("pi").orElseThrow();
        assertEquals(List.of(), pi.outages());
        assertEquals(Duration.ofHours(22), pi.total().monitored());
        assertEquals(Duration.ZERO, pi.total().down());
    }

    @Test
    void aSilenceOfExactlyTheThresholdIsNoOutageAndOneMinuteMoreIs() {
        List<Beat> beats = new ArrayList<>(everyMinute("pi", T0, T0.plus(Duration.ofHours(2))));
        beats.removeIf(b -> b.at().isAfter(T0.plus(Duration.ofMinutes(10))) && b.at().isBefore(T0.plus(Duration.ofMinutes(15))));
        beats.removeIf(b -> b.at().isAfter(T0.plus(Duration.ofMinutes(60))) && b.at().isBefore(T0.plus(Duration.ofMinutes(66))));
        Instant now = T0.plus(Duration.ofHours(2));
        List<Outage> outages = history(beats, List.of(), day(T0), now).device("pi").orElseThrow().outages();
        assertEquals(List.of(new Outage("pi", T0.plus(Duration.ofMinutes(61)), T0.plus(Duration.ofMinutes(66)), "unknown", "",
                Source.CLOUD, "cloud:" + T0.plus(Duration.ofMinutes(60)).toEpochMilli())), outages);
    }

    @Test
    void anOngoingOutageStartsOnceSilentForTheThresholdAtTheHorizon() {
        List<Beat> beats = everyMinute("pi", T0, T0.plus(Duration.ofMinutes(11))); // last beat 00:10
        HistoryPeriod p = day(T0);
        assertEquals(List.of(), history(beats, List.of(), p, T0.plus(Duration.ofMinutes(14).plusSeconds(59)))
                .device("pi").orElseThrow().outages());
        DeviceHistory pi = history(beats, List.of(), p, T0.plus(Duration.ofMinutes(15))).device("pi").orElseThrow();
        assertNull(pi.outages().get(0).end(), "ongoing");
        assertEquals(T0.plus(Duration.ofMinutes(15)), pi.horizon());
        assertEquals(Duration.ofMinutes(4), pi.total().down(), "from 00:11 to now");
        // The horizon is the end of what was read when that is before now.
        History readEarlier = MODEL.compute(HistoryFacts.fromBeats(T0, T0.plus(Duration.ofMinutes(12)), beats, List.of(),
                THRESHOLD), p, T0.plus(Duration.ofHours(5)));
        assertEquals(T0.plus(Duration.ofMinutes(12)), readEarlier.horizon());
        assertEquals(List.of(), readEarlier.device("pi").orElseThrow().outages());
    }

    @Test
    void anOutageAcrossThePeriodStartIsListedWholeAndCountedInsideOnly() {
        Instant since = T0.plus(Duration.ofHours(12));
        List<Beat> beats = new ArrayList<>(everyMinute("pi", T0, since.plus(Duration.ofHours(2))));
        beats.removeIf(b -> b.at().isAfter(since.minus(Duration.ofMinutes(30))) && b.at().isBefore(since.plus(Duration.ofMinutes(30))));
        HistoryPeriod p = new HistoryPeriod(since, since.plus(Duration.ofHours(2)), ZoneOffset.UTC);
        DeviceHistory pi = history(beats, List.of(), p, since.plus(Duration.ofHours(2))).device("pi").orElseThrow();
        assertEquals(since.minus(Duration.ofMinutes(29)), pi.outages().get(0).start(), "its real start, before the period");
        assertEquals(Duration.ofMinutes(30), pi.total().down());
        assertEquals(Duration.ofHours(2), pi.total().monitored());
        assertEquals(Duration.ofMinutes(59), pi.longest().orElseThrow().duration(pi.horizon()));
    }

    @Test
    void daysAndMonthsAreThoseOfTheZoneClippedToThePeriod() {
        // Berlin's spring-forward day (23 h) and the month end, from noon of 2026-03-28 to 2026-04-01 06:00.
        Instant since = Instant.parse("2026-03-28T11:00:00Z");
        Instant until = Instant.parse("2026-04-01T04:00:00Z");
        List<Beat> beats = everyMinute("pi", since.minus(Duration.ofDays(1)), until.plus(Duration.ofDays(1)));
        HistoryPeriod p = new HistoryPeriod(since, until, BERLIN);
        DeviceHistory pi = history(beats, List.of(), p, until.plus(Duration.ofDays(1))).device("pi").orElseThrow();
        Map<LocalDate, Uptime> days = pi.days();
        assertEquals(List.of(LocalDate.of(2026, 3, 28), LocalDate.of(2026, 3, 29), LocalDate.of(2026, 3, 30),
                LocalDate.of(2026, 3, 31), LocalDate.of(2026, 4, 1)), new ArrayList<>(days.keySet()));
        assertEquals(Duration.ofHours(12), days.get(LocalDate.of(2026, 3, 28)).monitored(), "from noon");
        assertEquals(Duration.ofHours(23), days.get(LocalDate.of(2026, 3, 29)).monitored(), "spring forward");
        assertEquals(Duration.ofHours(6), days.get(LocalDate.of(2026, 4, 1)).monitored(), "to 06:00");
        assertEquals(Duration.ofHours(12 + 23 + 24 + 24), pi.months().get(YearMonth.of(2026, 3)).monitored());
        assertEquals(Duration.ofHours(6), pi.months().get(YearMonth.of(2026, 4)).monitored());
    }

    @Test
    void aDeviceKnownOnlyFromReportsHasNoUptimeAndLeavesWhenItsOutageIsOutsideThePeriod() {
        ReportedOutage inside = new ReportedOutage("cam", "o1", T0.plus(Duration.ofHours(3)), T0.plus(Duration.ofHours(4)),
                "dns", "", null);
        History h = history(List.of(), List.of(inside), day(T0), T0.plus(Duration.ofDays(1)));
        DeviceHistory cam = h.device("cam").orElseThrow();
        assertNull(cam.coverage());
        assertTrue(cam.total().percent().isEmpty());
        assertEquals(1, h.seenInPeriod().devices().size());
        ReportedOutage before = new ReportedOutage("cam", "o2", T0.minus(Duration.ofHours(5)), T0.minus(Duration.ofHours(4)),
                "dns", "", null);
        assertEquals(List.of(), history(List.of(), List.of(before), day(T0), T0.plus(Duration.ofDays(1))).seenInPeriod().devices());
    }

    // --- the same history from beats and from what the queries return ---

    private static final Instant BASE = Instant.parse("2026-03-28T00:00:00Z");

    @Provide
    Arbitrary<List<Beat>> beats() {
        Arbitrary<Beat> beat = Combinators.combine(
                Arbitraries.of("a", "b"),
                Arbitraries.integers().between(0, 3 * 24 * 60),
                Arbitraries.integers().between(0, 5)
        ).as((device, minute, roll) -> new Beat(device, BASE.plus(Duration.ofMinutes(minute)),
                BASE.plus(Duration.ofMinutes(minute)), roll == 0));
        return beat.list().ofMinSize(1).ofMaxSize(400);
    }

    @Provide
    Arbitrary<List<ReportedOutage>> reports() {
        Arbitrary<ReportedOutage> report = Combinators.combine(
                Arbitraries.of("a", "b", "c"),
                Arbitraries.of("o1", "o2", "o3"),
                Arbitraries.integers().between(0, 3 * 24 * 60),
                Arbitraries.integers().between(0, 240)
        ).as((device, id, startMinute, length) -> new ReportedOutage(device, id,
                BASE.plus(Duration.ofMinutes(startMinute)), BASE.plus(Duration.ofMinutes(startMinute + length)),
                "dns", "", null));
        return report.list().ofMaxSize(8);
    }

    @Property(tries = 300)
    void beatsAndTheQueriesGapsGiveTheSameHistory(@ForAll("beats") List<Beat> beats,
                                                  @ForAll("reports") List<ReportedOutage> reports) {
        Instant readFrom = BASE;
        Instant now = BASE.plus(Duration.ofDays(3)).plus(Duration.ofMinutes(7));
        HistoryPeriod period = new HistoryPeriod(BASE.plus(Duration.ofHours(13)), BASE.plus(Duration.ofHours(61)), BERLIN);
        History fromBeats = MODEL.compute(HistoryFacts.fromBeats(readFrom, now, beats, reports, THRESHOLD), period, now);
        History fromGaps = MODEL.compute(HistoryFacts.fromGaps(readFrom, now, dailySpans(beats), everyGap(beats), reports),
                period, now);
        assertEquals(fromBeats, fromGaps);
    }

    /** Every consecutive pair, short ones too: a store may return more than the query does. */
    private static List<Gap> everyGap(List<Beat> beats) {
        List<Gap> gaps = new ArrayList<>();
        for (List<Beat> sorted : Beat.byDevice(beats, Beat.BY_AT).values()) {
            for (int i = 1; i < sorted.size(); i++) {
                Beat a = sorted.get(i - 1);
                gaps.add(new Gap(a.device(), a.at(), sorted.get(i).at(), a.stopping()));
            }
        }
        return gaps;
    }

    /** One span per device and UTC day, as {@code history-daily.kql} returns them. */
    private static List<DeviceSpan> dailySpans(List<Beat> beats) {
        Map<String, List<Beat>> byDay = new TreeMap<>();
        for (List<Beat> sorted : Beat.byDevice(beats, Beat.BY_AT).values()) {
            for (Beat b : sorted) {
                byDay.computeIfAbsent(b.device() + "|" + b.at().truncatedTo(ChronoUnit.DAYS), k -> new ArrayList<>()).add(b);
            }
        }
        List<DeviceSpan> out = new ArrayList<>();
        for (List<Beat> day : byDay.values()) {
            Beat first = day.get(0);
            Beat last = day.get(day.size() - 1);
            out.add(new DeviceSpan(first.device(), first.at(), last.at(), day.size(), last.stopping()));
        }
        return out;
    }
}
