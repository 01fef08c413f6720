package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.SilenceRule;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutagePropertiesTest {

    private static final Instant BASE = Instant.parse("2026-03-28T00:00:00Z");
    private static final OutageMerge MERGE = OutageMerge.of(SilenceRule.recommended());

    @Provide
    Arbitrary<List<Beat>> beats() {
        return RandomFacts.beats(BASE, 20, 0, 300);
    }

    @Provide
    Arbitrary<List<ReportedOutage>> reports() {
        Arbitrary<ReportedOutage> report = Combinators.combine(
                Arbitraries.of("a", "b"),
                Arbitraries.of("o1", "o2", "o3", "o4", "o5", "o6"),
                Arbitraries.integers().between(0, 3 * 24 * 60),
                Arbitraries.integers().between(0, 240),
                Arbitraries.integers().between(-120, 120).injectNull(0.3)
        ).as((device, id, startMinute, length, skewSeconds) -> new ReportedOutage(device, id,
                BASE.plus(Duration.ofMinutes(startMinute)), BASE.plus(Duration.ofMinutes(startMinute + length)),
                "dns", "", skewSeconds == null ? null : Duration.ofSeconds(skewSeconds)));
        return report.list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void mergedOutagesNeverOverlapPerDevice(@ForAll("beats") List<Beat> beats,
                                            @ForAll("reports") List<ReportedOutage> reports) {
        List<Outage> out = MERGE.merge(beats, reports, BASE.plus(Duration.ofDays(4)));
        for (int i = 1; i < out.size(); i++) {
            Outage prev = out.get(i - 1);
            Outage next = out.get(i);
            if (prev.device().equals(next.device())) {
                assertTrue(prev.end() != null && prev.end().isBefore(next.start()), prev + " overlaps " + next);
            }
        }
    }

    @Property(tries = 200)
    void dailyUptimeIsBetweenZeroAndOneHundredPercent(@ForAll("beats") List<Beat> beats,
                                                      @ForAll("reports") List<ReportedOutage> reports) {
        Instant now = BASE.plus(Duration.ofDays(2));
        List<Outage> out = MERGE.merge(beats, reports, now);
        BeatGaps reduced = BeatGaps.of(beats, MERGE.threshold());
        for (String device : List.of("a", "b")) {
            DeviceSpan span = reduced.spans().get(device);
            Coverage coverage = span == null ? null : Coverage.of(span, reduced.gaps(), MERGE.threshold(), now);
            UptimeCalculator.perDay(device, coverage, out, LocalDate.of(2026, 3, 27),
                    LocalDate.of(2026, 4, 1), ZoneId.of("Europe/Berlin"), now).values().forEach(u ->
                    u.percent().ifPresent(p -> assertTrue(p >= 0 && p <= 100, u.toString())));
        }
    }

    /** The server's stream (every device's beats in time order, devices interleaved) reduces to what the sorted batch does. */
    @Property(tries = 200)
    void reducingAStreamInTimeOrderEqualsReducingTheBatch(@ForAll("beats") List<Beat> beats) {
        BeatGaps.Reducer streamed = new BeatGaps.Reducer(MERGE.threshold());
        beats.stream().sorted(Beat.BY_AT).forEach(streamed::add);
        assertEquals(BeatGaps.of(beats, MERGE.threshold()), streamed.result());
    }

    @org.junit.jupiter.api.Test
    void aStreamOutOfTimeOrderIsRefusedNotMisread() {
        BeatGaps.Reducer r = new BeatGaps.Reducer(Duration.ofMinutes(5));
        r.add(new Beat("pi", BASE.plusSeconds(120), BASE.plusSeconds(120), false));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> r.add(new Beat("pi", BASE.plusSeconds(60), BASE.plusSeconds(60), false)));
        assertTrue(e.getMessage().contains("out of time order"), e.getMessage());
    }
}
