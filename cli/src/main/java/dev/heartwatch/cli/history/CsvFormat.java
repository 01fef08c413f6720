package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.DeviceHistory;
import dev.heartwatch.core.outage.Outage;
import java.io.PrintWriter;
import java.time.ZoneId;

/**
 * One row per outage (RFC 4180), times as ISO-8601 with the zone's offset. A field a spreadsheet
 * would run as a formula ({@code = + - @}) gets a leading apostrophe.
 */
final class CsvFormat {
  private CsvFormat() {}

  static void write(HistoryReport r, PrintWriter out) {
    ZoneId z = r.period().zone();
    out.print("device,start,end,duration_seconds,cause,source,id,detail\r\n");
    for (DeviceHistory d : r.devices()) {
      for (Outage o : d.outages()) {
        out.print(String.join(",", field(d.device()), field(ReportText.iso(o.start(), z)),
            field(ReportText.iso(o.end(), z)), Long.toString(o.duration(d.horizon()).toSeconds()),
            field(o.cause()), field(ReportText.source(o)), field(o.id()), field(o.detail())) + "\r\n");
      }
    }
    out.flush();
  }

  static String field(String v) {
    String s = v == null ? "" : v;
    if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      s = "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
