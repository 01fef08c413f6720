package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.SilenceRule;
import net.jqwik.api.Arbitrary;
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
        return RandomFacts.beats(BASE, 20, 1, 300);
    }

    @Provide
    Arbitrary<List<ReportedOutage>> reports() {
        return RandomFacts.reports(BASE, List.of("a", "b"), 10);
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
