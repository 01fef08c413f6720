package dev.heartwatch.cli.history;

import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Source;
import dev.heartwatch.core.outage.Uptime;
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
