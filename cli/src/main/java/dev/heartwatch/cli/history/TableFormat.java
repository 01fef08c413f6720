package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.DeviceHistory;
import dev.heartwatch.core.outage.Outage;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;

/** The terminal table: a summary line per device, then each device's outages. */
final class TableFormat {
  private TableFormat() {}

  static void write(HistoryReport r, PrintWriter out) {
    ZoneId z = r.period().zone();
    out.println("Heartwatch history " + ReportText.time(r.period().since(), z) + " .. "
        + ReportText.time(r.period().until(), z) + " (" + z.getId() + ")");
    out.println("source: " + r.source() + ", outage threshold " + ReportText.duration(r.threshold()));
    if (r.devices().stream().anyMatch(DeviceHistory::countsRuns)) {
      out.println("uptime: time watched and up; for a cron device, runs on time out of runs expected (\"of runs\")");
    }
    out.println();
    String row = "%-24s %18s %16s %8s %16s  %s%n";
    out.printf(row, "DEVICE", "UPTIME", "DOWNTIME", "OUTAGES", "LONGEST", "SCHEDULE");
    for (DeviceHistory d : r.devices()) {
      out.printf(row, d.device(), ReportText.uptime(d), ReportText.duration(d.downtime()),
          d.outages().size(), d.longest().map(o -> ReportText.duration(o.duration(d.horizon()))).orElse("-"),
          ReportText.schedule(d, r.ownThreshold(d).orElse(null)));
    }
    for (DeviceHistory d : r.devices()) {
      String durations = ReportText.durations(d.durations());
      if (d.countsRuns() || !durations.isEmpty()) {
        out.println();
        out.println(d.device() + ":" + (d.countsRuns() ? " " + ReportText.runs(d.runs().total()) : "")
            + (durations.isEmpty() ? "" : (d.countsRuns() ? "; " : " ") + "run " + durations));
      }
    }
    for (DeviceHistory d : r.devices()) {
      List<Outage> outages = d.outages();
      if (outages.isEmpty()) {
        continue;
      }
      out.println();
      out.println(d.device() + ": " + outages.size() + " outage(s)");
      String line = "  %-25s %-25s %16s  %-14s %s%n";
      out.printf(line, "START", "END", "DURATION", "SOURCE", "CAUSE");
      for (Outage o : outages) {
        out.printf(line, ReportText.time(o.start(), z), o.end() == null ? "ongoing" : ReportText.time(o.end(), z),
            ReportText.duration(o.duration(d.horizon())), ReportText.source(o), o.cause()
                + (o.detail().isEmpty() ? "" : " (" + o.detail() + ")"));
      }
    }
    out.flush();
  }
}
