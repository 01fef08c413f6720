package dev.heartwatch.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The fast paths (steady days, binary search) agree with the plain definition: every run of
 * every day, mapped by {@link CronRuns#runsOn} and sorted. Instants over 2026-2027, zones with
 * one-hour, half-hour and midnight changes and none.
 */
class CronRunsPropertyTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Provide
    Arbitrary<String> crons() {
        return Arbitraries.of("* * * * *", "*/7 * * * *", "30 * * * *", "0 2 * * *", "30 2 * * *", "15 1,2,3 * * *",
                "* 2 * * *", "0 0 * * *", "45 23 * * *", "0 9 * * 1-5", "0 0 13 * 5", "0 0 */2 * 1", "0 12 1 * *",
                "*/20 0-3 * * 0", "@hourly", "0 3 29 2,3 *");
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                "America/Santiago", "America/Havana", "Etc/UTC").map(ZoneId::of);
    }

    /** A zone whose changes crossed midnight (00:01 local until 2011), over 2009-2010. */
    @Property(tries = 100)
    void neighboursAcrossMidnightChanges(@ForAll("crons") String cron,
                                         @ForAll @LongRange(min = 0, max = 2 * 365 * 86_400L) long second) {
        nextAndLastAreTheNeighboursOfT(cron, ZoneId.of("America/St_Johns"), second - 17 * 365 * 86_400L);
    }

    /** Every run of the wall days from two before {@code a}'s to two after {@code b}'s, by the definition. */
    private static List<Instant> plainRuns(CronRuns runs, ZoneId zone, Instant a, Instant b) {
        List<Instant> out = new ArrayList<>();
        LocalDate last = LocalDate.ofInstant(b, zone).plusDays(2);
        for (LocalDate d = LocalDate.ofInstant(a, zone).minusDays(2); !d.isAfter(last); d = d.plusDays(1)) {
            out.addAll(runs.runsOn(d));
        }
        out.sort(null);
        return out;
    }

    private static CronRuns runs(String cron, ZoneId zone) {
        return new CronRuns(CronFields.parse(cron), zone);
    }

    @Property(tries = 200)
    void nextAndLastAreTheNeighboursOfT(@ForAll("crons") String cron, @ForAll("zones") ZoneId zone,
                                        @ForAll @LongRange(min = 0, max = 2 * 365 * 86_400L) long second) {
        Instant t = START.plusSeconds(second);
        CronRuns runs = runs(cron, zone);
        List<Instant> plain = plainRuns(runs, zone, t.minus(Duration.ofDays(6)), t.plus(Duration.ofDays(6)));
        Optional<Instant> expectedNext = plain.stream().filter(r -> r.isAfter(t)).findFirst();
        Optional<Instant> expectedLast = plain.stream().filter(r -> !r.isAfter(t)).reduce((a, b) -> b);
        if (expectedNext.isPresent()) {
            assertEquals(expectedNext, runs.nextAfter(t), cron + " in " + zone + " after " + t);
        }
        if (expectedLast.isPresent()) {
            assertEquals(expectedLast, runs.lastAtOrBefore(t), cron + " in " + zone + " at or before " + t);
        }
        for (int k = 1; k < plain.size(); k++) {
            assertTrue(plain.get(k).isAfter(plain.get(k - 1)), "runs strictly increase: " + plain.get(k));
        }
    }

    @Property(tries = 50)
    void longestGapAcrossMidnightChanges(@ForAll("crons") String cron,
                                         @ForAll @LongRange(min = 0, max = 2 * 365 * 86_400L) long second) {
        longestGapIsThePlainMaximum(cron, ZoneId.of("America/St_Johns"), second - 17 * 365 * 86_400L);
    }

    @Property(tries = 100)
    void longestGapIsThePlainMaximum(@ForAll("crons") String cron, @ForAll("zones") ZoneId zone,
                                     @ForAll @LongRange(min = 0, max = 2 * 365 * 86_400L) long second) {
        Instant from = START.plusSeconds(second);
        Instant to = from.plus(Duration.ofDays(20));
        CronRuns runs = runs(cron, zone);
        Instant first = runs.lastAtOrBefore(from).orElseThrow();
        Instant end = runs.nextAfter(to.minusNanos(1)).orElseThrow();
        List<Instant> plain = plainRuns(runs, zone, first, end);
        Duration widest = Duration.ZERO;
        for (int k = 1; k < plain.size(); k++) {
            if (!plain.get(k - 1).isBefore(first) && !plain.get(k).isAfter(end)) {
                Duration d = Duration.between(plain.get(k - 1), plain.get(k));
                widest = d.compareTo(widest) > 0 ? d : widest;
            }
        }
        assertEquals(widest, runs.longestGap(from, to).length(), cron + " in " + zone + " from " + from);
    }
}
