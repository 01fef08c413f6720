package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.SilenceRule;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link OutageMerge#mergeGaps} is {@link OutageMerge#merge} for a caller that only has the gaps. */
class OutageMergeGapsTest {

    private static final Instant BASE = Instant.parse("2026-03-28T00:00:00Z");
    private static final OutageMerge MERGE = OutageMerge.of(SilenceRule.recommended());

    @Test
    void closedGapLongerThanThresholdIsACloudOutageFromLastBeatPlusInterval() {
        Gap gap = new Gap("pi", BASE, BASE.plus(Duration.ofMinutes(20)), false);
        List<Outage> out = MERGE.mergeGaps(List.of(gap), List.of(), null);
        assertEquals(List.of(new Outage("pi", BASE.plusSeconds(60), BASE.plus(Duration.ofMinutes(20)),
                "unknown", "", Source.CLOUD, "cloud:" + BASE.toEpochMilli())), out);
    }

    @Test
    void gapAfterStoppingAndGapOfExactlyTheThresholdAreNoOutage() {
        List<Gap> gaps = List.of(
                new Gap("pi", BASE, BASE.plus(Duration.ofHours(3)), true),
                new Gap("pi", BASE.plus(Duration.ofHours(4)), BASE.plus(Duration.ofHours(4)).plus(Duration.ofMinutes(5)), false));
        assertEquals(List.of(), MERGE.mergeGaps(gaps, List.of(), null));
    }

    @Test
    void openGapIsOngoingOnceTheThresholdHasPassed() {
        Gap open = new Gap("pi", BASE, null, false);
        assertEquals(List.of(), MERGE.mergeGaps(List.of(open), List.of(), BASE.plus(Duration.ofMinutes(4))));
        List<Outage> out = MERGE.mergeGaps(List.of(open), List.of(), BASE.plus(Duration.ofMinutes(5)));
        assertEquals(1, out.size());
        assertEquals(null, out.get(0).end());
    }

    @Provide
    Arbitrary<List<Beat>> beats() {
        Arbitrary<Beat> beat = Combinators.combine(
                Arbitraries.of("a", "b"),
                Arbitraries.integers().between(0, 3 * 24 * 60),
                Arbitraries.integers().between(0, 19)
        ).as((device, minute, roll) -> new Beat(device, BASE.plus(Duration.ofMinutes(minute)),
                BASE.plus(Duration.ofMinutes(minute)), roll == 0));
        return beat.list().ofMinSize(1).ofMaxSize(300);
    }

    @Provide
    Arbitrary<List<ReportedOutage>> reports() {
        Arbitrary<ReportedOutage> report = Combinators.combine(
                Arbitraries.of("a", "b"),
                Arbitraries.of("o1", "o2", "o3"),
                Arbitraries.integers().between(0, 3 * 24 * 60),
                Arbitraries.integers().between(0, 240)
        ).as((device, id, startMinute, length) -> new ReportedOutage(device, id,
                BASE.plus(Duration.ofMinutes(startMinute)), BASE.plus(Duration.ofMinutes(startMinute + length)),
                "dns", "", null));
        return report.list().ofMaxSize(10);
    }

    @Property(tries = 300)
    void gapsGiveTheSameOutagesAsTheBeats(@ForAll("beats") List<Beat> beats,
                                          @ForAll("reports") List<ReportedOutage> reports) {
        Instant now = BASE.plus(Duration.ofDays(4));
        assertEquals(MERGE.merge(beats, reports, now), MERGE.mergeGaps(gapsOf(beats), reports, now));
    }

    /** What history-gaps.kql returns (every consecutive pair), plus the open gap after the last beat. */
    private static List<Gap> gapsOf(List<Beat> beats) {
        List<Gap> gaps = new ArrayList<>();
        for (List<Beat> sorted : Beat.byDevice(beats, Beat.BY_AT).values()) {
            for (int i = 0; i < sorted.size(); i++) {
                Beat a = sorted.get(i);
                Instant next = i + 1 < sorted.size() ? sorted.get(i + 1).at() : null;
                gaps.add(new Gap(a.device(), a.at(), next, a.stopping()));
            }
        }
        return gaps;
    }
}
