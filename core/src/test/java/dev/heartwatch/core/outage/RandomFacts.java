package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Random beats and agent reports over three days from {@code base}, for the property tests. */
public final class RandomFacts {

    private static final int MINUTES = 3 * 24 * 60;

    private RandomFacts() {
    }

    /** Beats of devices {@code a} and {@code b} on whole minutes; one in {@code stopOneIn} says stopping. */
    public static Arbitrary<List<Beat>> beats(Instant base, int stopOneIn, int minSize, int maxSize) {
        Arbitrary<Beat> beat = Combinators.combine(
                Arbitraries.of("a", "b"),
                Arbitraries.integers().between(0, MINUTES),
                Arbitraries.integers().between(0, stopOneIn - 1)
        ).as((device, minute, roll) -> new Beat(device, base.plus(Duration.ofMinutes(minute)),
                base.plus(Duration.ofMinutes(minute)), roll == 0));
        return beat.list().ofMinSize(minSize).ofMaxSize(maxSize);
    }

    /** Reports of up to four hours, without skew, ids {@code o1..o3} of the given devices. */
    public static Arbitrary<List<ReportedOutage>> reports(Instant base, List<String> devices, int maxSize) {
        Arbitrary<ReportedOutage> report = Combinators.combine(
                Arbitraries.of(devices),
                Arbitraries.of("o1", "o2", "o3"),
                Arbitraries.integers().between(0, MINUTES),
                Arbitraries.integers().between(0, 240)
        ).as((device, id, startMinute, length) -> new ReportedOutage(device, id,
                base.plus(Duration.ofMinutes(startMinute)), base.plus(Duration.ofMinutes(startMinute + length)),
                "dns", "", null));
        return report.list().ofMaxSize(maxSize);
    }
}
