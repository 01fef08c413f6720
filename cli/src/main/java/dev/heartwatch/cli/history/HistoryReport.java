package dev.heartwatch.cli.history;

import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.OutageMerge;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.outage.UptimeCalculator;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
      var days = UptimeCalculator.perDay(device, c, inPeriod, period.firstDay(), period.lastDay(), period.zone(), horizon);
      var months = UptimeCalculator.perMonth(device, c, inPeriod, YearMonth.from(period.firstDay()),
          YearMonth.from(period.lastDay()), period.zone(), horizon);
      DeviceSpan span = facts.devices().get(device);
      out.add(new DeviceHistory(device, span == null ? null : span.firstBeat(), span == null ? null : span.lastBeat(),
          span == null ? 0 : span.beats(), inPeriod, total, days, months, horizon));
    }
    return new HistoryReport(period, threshold, generatedAt, source, out);
  }

  /** Downtime of every device together, inside the period. */
  public Duration totalDowntime() {
    return devices.stream().map(DeviceHistory::downtime).reduce(Duration.ZERO, Duration::plus);
  }

  public int outageCount() {
    return devices.stream().mapToInt(d -> d.outages().size()).sum();
  }
}
