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
    out.println();
    String row = "%-24s %12s %16s %8s %16s%n";
    out.printf(row, "DEVICE", "UPTIME", "DOWNTIME", "OUTAGES", "LONGEST");
    for (DeviceHistory d : r.devices()) {
      out.printf(row, d.device(), ReportText.percent(d.total()), ReportText.duration(d.downtime()),
          d.outages().size(), d.longest().map(o -> ReportText.duration(o.duration(d.horizon()))).orElse("-"));
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
