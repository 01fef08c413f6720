package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.HistoryPeriod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Days and months of the user's zone, daylight-saving changes included. */
class PeriodArgumentsTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aDateIsMidnightInTheZoneAndTheDstDayHasTwentyFiveHours() {
    HistoryPeriod p = PeriodArguments.resolve("2026-10-25", "2026-10-26", null, BERLIN, Instant.parse("2026-11-01T00:00:00Z"));
    assertEquals(Instant.parse("2026-10-24T22:00:00Z"), p.since());
    assertEquals(Duration.ofHours(25), Duration.between(p.since(), p.until()));
    assertEquals(LocalDate.of(2026, 10, 25), p.firstDay());
    assertEquals(LocalDate.of(2026, 10, 25), p.lastDay());
  }

  @Test
  void lastDaysCountsCalendarDaysOfTheZoneUpToNow() {
    Instant now = Instant.parse("2026-03-30T10:00:00Z"); // Berlin moved to summer time on 29 Mar
    HistoryPeriod p = PeriodArguments.resolve(null, null, "3d", BERLIN, now);
    assertEquals(Instant.parse("2026-03-27T23:00:00Z"), p.since()); // 28 Mar 00:00 CET
    assertEquals(now, p.until());
  }

  @Test
  void lastMonthsStartsOnTheFirstOfTheMonthInTheZone() {
    HistoryPeriod p = PeriodArguments.resolve(null, null, "2mo", BERLIN, Instant.parse("2026-11-15T12:00:00Z"));
    assertEquals(Instant.parse("2026-09-30T22:00:00Z"), p.since()); // 1 Oct 00:00 CEST
    assertEquals(LocalDate.of(2026, 11, 15), p.lastDay());
  }

  @Test
  void nothingGivenMeansTheLastThirtyDays() {
    HistoryPeriod p = PeriodArguments.resolve(null, null, null, ZoneId.of("UTC"), Instant.parse("2026-11-30T12:00:00Z"));
    assertEquals(Instant.parse("2026-11-01T00:00:00Z"), p.since());
  }

  @Test
  void badPeriodsAreRefusedWithAReason() {
    Instant now = Instant.parse("2026-11-30T12:00:00Z");
    assertThrows(IllegalArgumentException.class, () -> PeriodArguments.resolve("2026-11-02", "2026-11-01", null, BERLIN, now));
    assertThrows(IllegalArgumentException.class, () -> PeriodArguments.resolve("2026-11-02", null, "3d", BERLIN, now));
    assertThrows(IllegalArgumentException.class, () -> PeriodArguments.resolve(null, null, "3 days", BERLIN, now));
    assertThrows(IllegalArgumentException.class, () -> PeriodArguments.resolve("yesterday", null, null, BERLIN, now));
    assertEquals(Instant.parse("2026-11-01T05:00:00Z"),
        PeriodArguments.resolve("2026-11-01T06:00:00+01:00", null, null, BERLIN, now).since());
  }
}
