package dev.heartwatch.cli.history;

import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Uptime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One device's history over the period.
 *
 * @param outages the merged outages that overlap the period, whole (an outage that began before
 *                the period shows its real start)
 * @param total   uptime over the whole period: downtime counted inside the period only
 * @param horizon the latest instant the facts cover: an outage without an end lasted at least
 *                until then
 */
public record DeviceHistory(String device, Instant firstSeen, Instant lastSeen, long beats,
    List<Outage> outages, Uptime total, SortedMap<LocalDate, Uptime> days,
    SortedMap<YearMonth, Uptime> months, Instant horizon) {

  public DeviceHistory {
    outages = List.copyOf(outages);
  }

  /** The longest outage, by its whole length (an ongoing one: until the horizon). */
  public Optional<Outage> longest() {
    Outage best = null;
    for (Outage o : outages) {
      if (best == null || o.duration(horizon).compareTo(best.duration(horizon)) > 0) {
        best = o;
      }
    }
    return Optional.ofNullable(best);
  }

  public Duration downtime() {
    return total.down();
  }
}
