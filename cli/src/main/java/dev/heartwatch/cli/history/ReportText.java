package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.DeviceHistory;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.core.history.RunDurations;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Source;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.schedule.ScheduleText;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How every format writes times, durations and percentages, so they agree with each other. */
final class ReportText {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz", Locale.ENGLISH);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private ReportText() {}

  /** {@code 2026-10-03 14:05:12 CEST}: what a person reads and an ISP support desk understands. */
  static String time(Instant t, ZoneId zone) {
    return t == null ? "" : TIME.format(t.atZone(zone));
  }

  /** {@code 2026-10-03T14:05:12+02:00}: machine-readable, still in the reader's zone. */
  static String iso(Instant t, ZoneId zone) {
    return t == null ? "" : ISO.format(t.atZone(zone));
  }

  /** {@code 2 d 3 h 05 min}, {@code 1 h 05 min}, {@code 7 min 30 s}, {@code 45 s}. */
  static String duration(Duration d) {
    long s = d.toSeconds();
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    long seconds = s % 60;
    if (days > 0) {
      return String.format(Locale.ROOT, "%d d %d h %02d min", days, hours, minutes);
    }
    if (hours > 0) {
      return String.format(Locale.ROOT, "%d h %02d min", hours, minutes);
    }
    if (minutes > 0) {
      return seconds == 0 ? minutes + " min" : String.format(Locale.ROOT, "%d min %02d s", minutes, seconds);
    }
    return seconds + " s";
  }

  /** {@code 99.871 %}, or {@code n/a} when nothing was monitored. */
  static String percent(Uptime u) {
    return u.percent().isPresent() ? String.format(Locale.ROOT, "%.3f %%", u.percent().getAsDouble()) : "n/a";
  }

  /**
   * The device's uptime figure as the report prints it: time ({@code 99.871 %}), or for a cron
   * device runs on time out of runs expected ({@code 93.333 % of runs}; docs/history.md).
   */
  static String uptime(DeviceHistory d) {
    if (!d.countsRuns()) {
      return percent(d.total());
    }
    return runsPercent(d.runs().total());
  }

  /** {@code 93.333 % of runs}, or {@code n/a (no run due)}. */
  static String runsPercent(RunCount r) {
    return r.percent().isPresent()
        ? String.format(Locale.ROOT, "%.3f %% of runs", r.percent().getAsDouble()) : "n/a (no run due)";
  }

  /** {@code 28 of 30 runs on time, 1 failed, 1 missed}. */
  static String runs(RunCount r) {
    return r.onTime() + " of " + r.expected() + (r.expected() == 1 ? " run" : " runs") + " on time"
        + (r.failed() > 0 ? ", " + r.failed() + " failed" : "") + (r.missed() > 0 ? ", " + r.missed() + " missed" : "");
  }

  /** The schedule as the dashboard writes it, or {@code -} when the report knew none. */
  static String schedule(DeviceHistory d) {
    return d.schedule() == null ? "-" : ScheduleText.describe(d.schedule());
  }

  /**
   * {@link #schedule(DeviceHistory)}, and {@code outage after 6 min} when its beats' schedule
   * raises the threshold to {@code own} (a check's period + grace; {@code null}: it does not).
   */
  static String schedule(DeviceHistory d, Duration own) {
    if (own == null) {
      return schedule(d);
    }
    String text = "outage after " + duration(own);
    return d.schedule() == null ? text : schedule(d) + ", " + text;
  }

  /** {@code 30 runs: median 12 min, longest 20 min, last 11 min}, or empty when none carried a duration. */
  static String durations(RunDurations r) {
    if (r.count() == 0) {
      return "";
    }
    return r.count() + (r.count() == 1 ? " duration" : " durations") + ": median " + millis(r.medianMs())
        + ", longest " + millis(r.maxMs()) + ", last " + millis(r.lastMs());
  }

  /** A sender's duration: {@link #duration} from a second up, else milliseconds. */
  static String millis(long ms) {
    return ms < 1000 ? ms + " ms" : duration(Duration.ofMillis(ms));
  }

  /** Who saw the outage, in the report's words. */
  static String source(Outage o) {
    return switch (o.source()) {
      case AGENT -> "agent";
      case CLOUD -> "cloud";
      case BOTH -> "agent + cloud";
    };
  }

  static boolean agentSaw(Outage o) {
    return o.source() != Source.CLOUD;
  }
}
