package dev.heartwatch.cli.history;

import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.OutageMerge;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.outage.UptimeCalculator;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The history of every device over a period: outages merged by core from the gaps and the
 * agents' reports, uptime per day and month of the period's zone. Every renderer (table, CSV,
 * JSON, HTML) prints this and computes nothing of its own.
 *
 * @param generatedAt when the report was made (the present of the run)
 * @param source      where the facts came from, as shown to a reader (a resource id or server)
 */
public record HistoryReport(HistoryPeriod period, Duration threshold, Instant generatedAt, String source,
    List<DeviceHistory> devices) {

  public HistoryReport {
    devices = List.copyOf(devices);
  }

  public static HistoryReport build(HistoryFacts facts, HistoryPeriod period, OutageMerge merge,
      Duration threshold, Instant generatedAt, String source) {
    Instant horizon = facts.readTo();
    List<Outage> outages = merge.mergeGaps(facts.gapsWithOpenEnds(), facts.reports(), horizon);
    Map<String, Coverage> coverage = facts.coverage();
    TreeSet<String> names = new TreeSet<>(facts.devices().keySet());
    outages.forEach(o -> names.add(o.device()));
    List<DeviceHistory> out = new ArrayList<>();
    for (String device : names) {
      Coverage c = coverage.get(device);
      List<Outage> inPeriod = new ArrayList<>();
      for (Outage o : outages) {
        if (o.device().equals(device) && o.start().isBefore(period.until())
            && (o.end() == null || o.end().isAfter(period.since()))) {
          inPeriod.add(o);
        }
      }
      Uptime total = UptimeCalculator.over(device, c, inPeriod, period.since(), period.until(), horizon);
      // Calendar days and months of the zone (23 or 25 hours across a DST change), each clipped
      // to the period, so a period that starts at noon has a half first day.
      SortedMap<LocalDate, Uptime> days = new TreeMap<>();
      for (LocalDate d = period.firstDay(); !d.isAfter(period.lastDay()); d = d.plusDays(1)) {
        days.put(d, clipped(device, c, inPeriod, period, d.atStartOfDay(period.zone()).toInstant(),
            d.plusDays(1).atStartOfDay(period.zone()).toInstant(), horizon));
      }
      SortedMap<YearMonth, Uptime> months = new TreeMap<>();
      for (YearMonth m = YearMonth.from(period.firstDay()); !m.isAfter(YearMonth.from(period.lastDay())); m = m.plusMonths(1)) {
        months.put(m, clipped(device, c, inPeriod, period, m.atDay(1).atStartOfDay(period.zone()).toInstant(),
            m.plusMonths(1).atDay(1).atStartOfDay(period.zone()).toInstant(), horizon));
      }
      DeviceSpan span = facts.devices().get(device);
      out.add(new DeviceHistory(device, span == null ? null : span.firstBeat(), span == null ? null : span.lastBeat(),
          span == null ? 0 : span.beats(), inPeriod, total, days, months, horizon));
    }
    return new HistoryReport(period, threshold, generatedAt, source, out);
  }

  private static Uptime clipped(String device, Coverage c, List<Outage> outages, HistoryPeriod p,
      Instant from, Instant to, Instant horizon) {
    Instant f = from.isBefore(p.since()) ? p.since() : from;
    Instant t = to.isAfter(p.until()) ? p.until() : to;
    return UptimeCalculator.over(device, c, outages, f, t, horizon);
  }

  /** Downtime of every device together, inside the period. */
  public Duration totalDowntime() {
    return devices.stream().map(DeviceHistory::downtime).reduce(Duration.ZERO, Duration::plus);
  }

  public int outageCount() {
    return devices.stream().mapToInt(d -> d.outages().size()).sum();
  }
}
