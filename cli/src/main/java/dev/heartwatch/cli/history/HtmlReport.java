package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.DeviceHistory;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Uptime;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The report a person can attach to a complaint: one self-contained HTML file (inline CSS and
 * SVG; no script, no font, no image, no request of any kind), per device a summary, a timeline
 * of the period with its outages, uptime per day as bars, and the table of outages. Every text
 * that came from outside goes through {@link #esc}.
 */
final class HtmlReport {
  private static final double TIMELINE_WIDTH = 1000;
  private static final DateTimeFormatter DAY_LABEL = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);

  private HtmlReport() {}

  static void write(HistoryReport r, PrintWriter out) {
    ZoneId z = r.period().zone();
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>Heartwatch outage report ").append(esc(day(r.period().since(), z))).append(" to ")
        .append(esc(day(r.period().until().minusNanos(1), z))).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    h.append("<header><h1>Internet outage report</h1><p class=\"period\">")
        .append(esc(ReportText.time(r.period().since(), z))).append(" &ndash; ")
        .append(esc(ReportText.time(r.period().until(), z))).append(" <span class=\"zone\">(")
        .append(esc(z.getId())).append(")</span></p></header>\n");
    if (r.devices().isEmpty()) {
      h.append("<p class=\"empty\">No heartbeats between ").append(esc(ReportText.time(r.period().since(), z)))
          .append(" and ").append(esc(ReportText.time(r.period().until(), z))).append(".</p>\n");
    }
    for (DeviceHistory d : r.devices()) {
      device(h, r, d);
    }
    h.append("<footer><p>Generated ").append(esc(ReportText.time(r.generatedAt(), z))).append(" by Heartwatch from ")
        .append(esc(r.source())).append(". A device counts as down when no heartbeat arrived for more than ")
        .append(esc(ReportText.duration(r.threshold())))
        .append(", or when its agent reported it could not get through; uptime counts only the time the device was"
            + " monitored (after its first heartbeat, outside deliberate stops)."
            + (r.devices().stream().anyMatch(DeviceHistory::countsRuns)
                ? " For a device on a cron schedule it is its runs on time out of the runs expected: a run is on time"
                    + " when a success came within its grace." : "")
            + "</p></footer>\n")
        .append("</main>\n</body>\n</html>\n");
    out.print(h);
    out.flush();
  }

  private static void device(StringBuilder h, HistoryReport r, DeviceHistory d) {
    ZoneId z = r.period().zone();
    h.append("<section class=\"device\" id=\"device-").append(esc(d.device())).append("\">\n<h2>")
        .append(esc(d.device())).append("</h2>\n");
    // The summary: what a support desk asks for, in the first lines.
    // A cron device's uptime is its runs on time out of runs expected (docs/history.md): said so.
    h.append("<dl class=\"summary\">")
        .append(d.countsRuns() ? item("Runs on time", ReportText.uptime(d), "uptime")
            : item("Uptime", ReportText.percent(d.total()), "uptime"));
    if (d.countsRuns()) {
      h.append(item("Runs", ReportText.runs(d.runs().total()), "runs"));
    }
    Duration own = r.ownThreshold(d).orElse(null);
    if (d.schedule() != null || own != null) {
      h.append(item("Schedule", ReportText.schedule(d, own), "schedule"));
    }
    if (d.durations().count() > 0) {
      h.append(item("Run durations", ReportText.durations(d.durations()), "durations"));
    }
    h.append(item("Total downtime", ReportText.duration(d.downtime()), null))
        .append(item("Outages", Integer.toString(d.outages().size()), null))
        .append(item("Longest", d.longest().map(o -> ReportText.duration(o.duration(d.horizon()))
            + " on " + day(o.start(), z)).orElse("none"), null))
        .append(item("Period", day(r.period().since(), z) + " to " + day(r.period().until().minusNanos(1), z), null))
        .append("</dl>\n");
    h.append("<p class=\"statement\">Between ").append(esc(ReportText.time(r.period().since(), z)))
        .append(" and ").append(esc(ReportText.time(r.period().until(), z))).append(", <b>")
        .append(esc(d.device())).append("</b> lost its connection <b>").append(d.outages().size())
        .append(" time").append(d.outages().size() == 1 ? "" : "s").append("</b>, for <b>")
        .append(esc(ReportText.duration(d.downtime()))).append("</b> in total (")
        .append(d.countsRuns() ? "runs on time <b>" + esc(ReportText.runs(d.runs().total()))
            : "uptime <b>" + esc(ReportText.percent(d.total()))).append("</b>).</p>\n");
    timeline(h, r, d);
    dailyChart(h, d);
    outageTable(h, r, d);
    h.append("</section>\n");
  }

  private static void timeline(StringBuilder h, HistoryReport r, DeviceHistory d) {
    ZoneId z = r.period().zone();
    Instant from = r.period().since();
    Instant to = r.period().until();
    double span = Duration.between(from, to).toMillis();
    h.append("<h3>Timeline</h3>\n<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 ")
        .append(num(TIMELINE_WIDTH)).append(" 48\" preserveAspectRatio=\"none\" aria-label=\"")
        .append(esc("Timeline of " + d.device() + ": " + d.outages().size() + " outages")).append("\">\n");
    // Grey before the first heartbeat (not monitored), green after, red for each outage.
    double monitoredFrom = d.firstSeen() == null ? TIMELINE_WIDTH : x(d.firstSeen(), from, span);
    double end = x(r.generatedAt().isBefore(to) ? r.generatedAt() : to, from, span);
    h.append("<rect class=\"unmonitored\" x=\"0\" y=\"8\" width=\"").append(num(TIMELINE_WIDTH))
        .append("\" height=\"32\"/>\n");
    if (end > monitoredFrom) {
      h.append("<rect class=\"up\" x=\"").append(num(clamp(monitoredFrom))).append("\" y=\"8\" width=\"")
          .append(num(clamp(end) - clamp(monitoredFrom))).append("\" height=\"32\"/>\n");
    }
    for (Outage o : d.outages()) {
      double x0 = clamp(x(o.start(), from, span));
      double x1 = clamp(x(o.end() == null ? d.horizon() : o.end(), from, span));
      h.append("<rect class=\"down\" x=\"").append(num(x0)).append("\" y=\"4\" width=\"")
          .append(num(Math.max(3, x1 - x0))).append("\" height=\"40\"><title>")
          .append(esc(ReportText.time(o.start(), z) + " – " + (o.end() == null ? "ongoing" : ReportText.time(o.end(), z))
              + ": " + ReportText.duration(o.duration(d.horizon())) + ", " + o.cause())).append("</title></rect>\n");
    }
    // Day ticks in the SVG; their labels in HTML below it, since the SVG is stretched to the width.
    long days = r.period().firstDay().until(r.period().lastDay()).getDays() + 1L;
    long every = Math.max(1, (days + 7) / 8);
    StringBuilder labels = new StringBuilder();
    int i = 0;
    int shown = 0;
    for (LocalDate day = r.period().firstDay(); !day.isAfter(r.period().lastDay()); day = day.plusDays(1), i++) {
      Instant midnight = day.atStartOfDay(z).toInstant();
      if (midnight.isBefore(from)) {
        continue;
      }
      double x = x(midnight, from, span);
      h.append("<line class=\"tick\" x1=\"").append(num(x)).append("\" x2=\"").append(num(x))
          .append("\" y1=\"40\" y2=\"48\"/>\n");
      if (i % every == 0 && x < TIMELINE_WIDTH - 60) {
        labels.append("<span").append(shown++ % 2 == 1 ? " class=\"odd\"" : "").append(" style=\"left:")
            .append(num(x / 10)).append("%\">").append(esc(DAY_LABEL.format(day))).append("</span>");
      }
    }
    h.append("</svg>\n<div class=\"ticks\">").append(labels).append("</div>\n")
        .append("<p class=\"legend\"><span class=\"key up\"></span>up <span class=\"key down\"></span>outage "
        + "<span class=\"key unmonitored\"></span>not monitored</p>\n");
  }

  /** One bar of the daily chart: its percentage (empty: nothing to count that day) and its tooltip. */
  private record Bar(OptionalDouble percent, String title) {}

  private static void dailyChart(StringBuilder h, DeviceHistory d) {
    Map<LocalDate, Bar> bars = new java.util.LinkedHashMap<>();
    for (Map.Entry<LocalDate, Uptime> e : d.days().entrySet()) {
      Uptime u = e.getValue();
      if (d.countsRuns()) {
        RunCount runs = d.runs().day(e.getKey());
        bars.put(e.getKey(), new Bar(runs.percent(), e.getKey() + ": "
            + (runs.expected() == 0 ? "no run due" : ReportText.runs(runs))));
      } else {
        bars.put(e.getKey(), new Bar(u.percent(), e.getKey() + ": "
            + (u.percent().isPresent() ? ReportText.percent(u) + " up, " + ReportText.duration(u.down()) + " down"
                : "not monitored")));
      }
    }
    chart(h, d.countsRuns() ? "Runs on time per day" : "Uptime per day", d.device(), bars);
  }

  private static void chart(StringBuilder h, String heading, String device, Map<LocalDate, Bar> bars) {
    double lowest = 100;
    for (Bar b : bars.values()) {
      if (b.percent().isPresent()) {
        lowest = Math.min(lowest, b.percent().getAsDouble());
      }
    }
    // The axis starts low enough to show the worst day, high enough that 99.5 % is not 100 %.
    double floor = lowest >= 99 ? 99 : lowest >= 90 ? 90 : lowest >= 50 ? 50 : 0;
    int n = bars.size();
    double w = 1000.0 / Math.max(n, 1);
    h.append("<h3>").append(esc(heading)).append("</h3>\n<svg class=\"chart\" role=\"img\" viewBox=\"0 -18 1040 240\" aria-label=\"")
        .append(esc(heading + " of " + device + ", axis from " + num(floor) + " % to 100 %"))
        .append("\">\n");
    for (double g : new double[] {floor, (floor + 100) / 2, 100}) {
      double y = 10 + 180 * (100 - g) / (100 - floor);
      h.append("<line class=\"grid\" x1=\"40\" x2=\"1040\" y1=\"").append(num(y)).append("\" y2=\"").append(num(y))
          .append("\"/><text class=\"axis\" x=\"36\" y=\"").append(num(y + 4)).append("\">").append(num(g))
          .append("</text>\n");
    }
    int i = 0;
    long every = Math.max(1, (n + 9) / 10);
    for (Map.Entry<LocalDate, Bar> e : bars.entrySet()) {
      Bar b = e.getValue();
      double x = 40 + i * w;
      if (b.percent().isPresent()) {
        double p = b.percent().getAsDouble();
        double hgt = 180 * Math.max(0, p - floor) / (100 - floor);
        String cls = p >= 99.999 ? "bar full" : p >= 99 ? "bar some" : "bar bad";
        h.append("<rect class=\"").append(cls).append("\" x=\"").append(num(x + w * 0.12)).append("\" y=\"")
            .append(num(190 - hgt)).append("\" width=\"").append(num(w * 0.76)).append("\" height=\"")
            .append(num(Math.max(hgt, 1))).append("\"><title>")
            .append(esc(b.title()))
            .append("</title></rect>\n");
      } else {
        h.append("<rect class=\"bar none\" x=\"").append(num(x + w * 0.12)).append("\" y=\"186\" width=\"")
            .append(num(w * 0.76)).append("\" height=\"4\"><title>").append(esc(b.title()))
            .append("</title></rect>\n");
      }
      if (i % every == 0) {
        h.append("<text class=\"label").append(i / every % 2 == 1 ? " odd" : "").append("\" x=\"").append(num(x + w / 2)).append("\" y=\"210\" text-anchor=\"middle\">")
            .append(esc(DAY_LABEL.format(e.getKey()))).append("</text>\n");
      }
      i++;
    }
    h.append("</svg>\n");
  }

  private static void outageTable(StringBuilder h, HistoryReport r, DeviceHistory d) {
    ZoneId z = r.period().zone();
    h.append("<h3>Outages</h3>\n");
    if (d.outages().isEmpty()) {
      h.append("<p class=\"none\">No outage in this period.</p>\n");
      return;
    }
    h.append("<div class=\"scroll\"><table class=\"outages\">\n<thead><tr><th>Start</th><th>End</th>"
        + "<th>Duration</th><th>Cause</th><th>Seen by</th></tr></thead>\n<tbody>\n");
    for (Outage o : d.outages()) {
      h.append("<tr><td data-label=\"Start\">").append(esc(ReportText.time(o.start(), z)))
          .append("</td><td data-label=\"End\">")
          .append(o.end() == null ? "<em>ongoing</em>" : esc(ReportText.time(o.end(), z)))
          .append("</td><td class=\"num\" data-label=\"Duration\">")
          .append(esc(ReportText.duration(o.duration(d.horizon())))).append("</td><td data-label=\"Cause\">")
          .append(esc(o.cause()));
      if (!o.detail().isEmpty()) {
        h.append("<br><small>").append(esc(o.detail())).append("</small>");
      }
      h.append("</td><td data-label=\"Seen by\">").append(esc(ReportText.source(o))).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table></div>\n");
  }

  private static String item(String term, String value, String cls) {
    return "<div" + (cls == null ? "" : " class=\"" + cls + "\"") + "><dt>" + esc(term) + "</dt><dd>" + esc(value)
        + "</dd></div>";
  }

  private static String day(Instant t, ZoneId z) {
    return t.atZone(z).toLocalDate().toString();
  }

  private static double x(Instant t, Instant from, double spanMillis) {
    return TIMELINE_WIDTH * Duration.between(from, t).toMillis() / spanMillis;
  }

  private static double clamp(double x) {
    return Math.max(0, Math.min(TIMELINE_WIDTH, x));
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
  }

  /** Text and attribute values: the five characters HTML gives meaning to. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static final String CSS = """
      :root{--up:#2e9d5b;--down:#d64545;--some:#e0a030;--grey:#d9dde3;--ink:#1d2330;--muted:#5d6675}
      *{box-sizing:border-box}
      body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f4f6f9}
      main{max-width:1040px;margin:0 auto;padding:16px}
      header h1{margin:8px 0 0;font-size:1.6rem}
      .period{margin:2px 0 16px;color:var(--muted)}
      .device{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:16px;margin:0 0 20px}
      .device h2{margin:0 0 12px;font-size:1.3rem;word-break:break-all}
      h3{font-size:1rem;margin:20px 0 6px}
      .summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:0}
      .summary div{background:#f4f6f9;border-radius:8px;padding:8px 10px}
      .summary dt{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
      .summary dd{margin:0;font-weight:600;font-size:1.05rem}
      .summary .uptime dd{color:var(--up);font-size:1.3rem}
      .statement{margin:12px 0 0}
      svg{display:block;width:100%;height:auto}
      .timeline{height:48px}
      .ticks{position:relative;height:18px;font-size:12px;color:var(--muted)}
      .ticks span{position:absolute;top:0;padding-left:2px;white-space:nowrap}
      .up{fill:var(--up)}.down{fill:var(--down)}.unmonitored{fill:var(--grey)}
      .tick{stroke:var(--muted);stroke-width:1}
      .label,.axis{font-size:12px;fill:var(--muted)}
      .axis{text-anchor:end}
      .grid{stroke:#e6e9ee;stroke-width:1}
      .bar.full{fill:var(--up)}.bar.some{fill:var(--some)}.bar.bad{fill:var(--down)}.bar.none{fill:var(--grey)}
      .legend{font-size:.85rem;color:var(--muted);margin:4px 0 0}
      .key{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
      .key.up{background:var(--up)}.key.down{background:var(--down)}.key.unmonitored{background:var(--grey)}
      .scroll{overflow-x:auto}
      table{border-collapse:collapse;width:100%;font-size:.9rem}
      th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}
      th{color:var(--muted);font-weight:600;white-space:nowrap}
      td{white-space:nowrap}td small{color:var(--muted);white-space:normal}
      .num{text-align:right}
      footer{color:var(--muted);font-size:.85rem}
      @media (max-width:600px){
        main{padding:8px}.device{padding:12px}header h1{font-size:1.35rem}
        .ticks .odd,.chart .odd{display:none}
        .chart .label,.chart .axis{font-size:30px}
        table,tbody,tr,td{display:block}thead{display:none}
        tr{border-bottom:1px solid #e6e9ee;padding:6px 0}
        td{border:0;padding:2px 0;white-space:normal;text-align:left}
        td::before{content:attr(data-label);display:inline-block;width:6.5em;color:var(--muted);font-size:.8rem}
        .num{text-align:left}
      }
      """;
}
