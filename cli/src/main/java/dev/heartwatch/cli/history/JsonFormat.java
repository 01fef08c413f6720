package dev.heartwatch.cli.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.history.DeviceHistory;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.core.history.RunDurations;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.schedule.ScheduleText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The whole report as JSON (docs/history.md lists the fields); times in UTC, ISO-8601. */
final class JsonFormat {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonFormat() {}

  static void write(HistoryReport r, PrintWriter out) {
    ObjectNode root = JSON.createObjectNode();
    root.put("since", r.period().since().toString());
    root.put("until", r.period().until().toString());
    root.put("zone", r.period().zone().getId());
    root.put("threshold", r.threshold().toString());
    root.put("generatedAt", r.generatedAt().toString());
    root.put("source", r.source());
    root.put("outages", r.outageCount());
    root.put("downtimeSeconds", r.totalDowntime().toSeconds());
    ArrayNode devices = root.putArray("devices");
    for (DeviceHistory d : r.devices()) {
      ObjectNode dev = devices.addObject();
      dev.put("device", d.device());
      dev.put("firstSeen", d.firstSeen() == null ? null : d.firstSeen().toString());
      dev.put("lastSeen", d.lastSeen() == null ? null : d.lastSeen().toString());
      // Only where the device's beats raise it (a check's period + grace): else the top-level one.
      r.ownThreshold(d).ifPresent(t -> dev.put("threshold", t.toString()));
      uptime(dev, d.total());
      // A cron device's uptime is its runs on time (docs/history.md): say which figure it is.
      dev.put("schedule", d.schedule() == null ? null : ScheduleText.describe(d.schedule()));
      dev.put("uptimeBasis", d.countsRuns() ? "runs" : "time");
      if (d.countsRuns()) {
        runs(dev.putObject("runs"), d.runs().total());
      } else {
        dev.putNull("runs");
      }
      durations(dev, d.durations());
      ArrayNode outages = dev.putArray("outages");
      for (Outage o : d.outages()) {
        ObjectNode n = outages.addObject();
        n.put("start", o.start().toString());
        n.put("end", o.end() == null ? null : o.end().toString());
        n.put("durationSeconds", o.duration(d.horizon()).toSeconds());
        n.put("cause", o.cause());
        n.put("detail", o.detail());
        n.put("source", o.source().name().toLowerCase(java.util.Locale.ROOT));
        n.put("id", o.id());
      }
      ArrayNode days = dev.putArray("days");
      d.days().forEach((day, u) -> {
        ObjectNode n = days.addObject().put("date", day.toString());
        uptime(n, u);
        if (d.countsRuns()) {
          runs(n.putObject("runs"), d.runs().day(day));
        }
      });
      ArrayNode months = dev.putArray("months");
      d.months().forEach((m, u) -> {
        ObjectNode n = months.addObject().put("month", m.toString());
        uptime(n, u);
        if (d.countsRuns()) {
          runs(n.putObject("runs"), d.runs().month(m));
        }
      });
    }
    try {
      out.println(JSON.writeValueAsString(root)); // not writeValue(out): it would close the stream
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }

  /** {@code expected}, {@code onTime}, {@code failed}, {@code missed}, {@code onTimePercent} (null: none expected). */
  private static void runs(ObjectNode n, RunCount r) {
    n.put("expected", r.expected());
    n.put("onTime", r.onTime());
    n.put("failed", r.failed());
    n.put("missed", r.missed());
    if (r.percent().isPresent()) {
      n.put("onTimePercent", r.percent().getAsDouble());
    } else {
      n.putNull("onTimePercent");
    }
  }

  private static void durations(ObjectNode dev, RunDurations r) {
    if (r.count() == 0) {
      dev.putNull("durations");
      return;
    }
    ObjectNode n = dev.putObject("durations");
    n.put("count", r.count());
    n.put("medianMs", r.medianMs());
    n.put("maxMs", r.maxMs());
    n.put("lastMs", r.lastMs());
  }

  private static void uptime(ObjectNode n, Uptime u) {
    if (u.percent().isPresent()) {
      n.put("uptimePercent", u.percent().getAsDouble());
    } else {
      n.putNull("uptimePercent");
    }
    n.put("monitoredSeconds", u.monitored().toSeconds());
    n.put("downSeconds", u.down().toSeconds());
  }
}
