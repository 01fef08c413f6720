package dev.heartwatch.core.schedule;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code CronRuns.between} (a day's runs at once, for history) gives exactly the runs
 * {@code nextAfter} steps through, across every daylight-saving change of a year.
 */
class CronRunsBetweenTest {

    private static List<Instant> stepped(CronRuns runs, Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        Optional<Instant> next = runs.nextAfter(from.minusNanos(1));
        while (next.isPresent() && next.get().isBefore(to)) {
            out.add(next.get());
            next = runs.nextAfter(next.get());
        }
        return out;
    }

    @Test
    void theSameRunsAsSteppingOneByOneAcrossAYearOfChanges() {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = from.plus(Duration.ofDays(366));
        // Berlin (1 h changes), Lord Howe (30 min changes), Santiago (changes at midnight), Kolkata (none).
        for (String zone : List.of("Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata")) {
            for (String expr : List.of("30 2 * * *", "*/30 * * * *", "15 0,1,2,3 * * *", "0 0 * * 0", "45 23 1 * *")) {
                CronRuns runs = new CronRuns(CronFields.parse(expr), ZoneId.of(zone));
                List<Instant> expected = stepped(runs, from, to);
                assertFalse(expected.isEmpty(), expr + " in " + zone);
                assertEquals(expected, runs.between(from, to), expr + " in " + zone);
            }
        }
    }

    @Test
    void aWindowInsideADayAndAnEmptyOne() {
        CronRuns runs = new CronRuns(CronFields.parse("*/30 * * * *"), ZoneId.of("Europe/Berlin"));
        Instant from = Instant.parse("2026-10-25T00:10:00Z");
        Instant to = Instant.parse("2026-10-25T01:30:00Z");
        assertEquals(stepped(runs, from, to), runs.between(from, to));
        assertEquals(List.of(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-25T01:00:00Z")),
                runs.between(from, to), "02:30 CEST and 02:00 CET: the repeated hour runs twice for a wildcard hour");
        assertEquals(List.of(), runs.between(to, to));
    }
}
