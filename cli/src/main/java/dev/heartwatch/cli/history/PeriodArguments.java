package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.HistoryPeriod;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --since}, {@code --until} and {@code --last} read into core's {@link HistoryPeriod}. A
 * date ({@code 2026-10-01}) means the start of that day in the zone, so a day is 23 or 25 hours
 * across a daylight-saving change; {@code --last} counts whole calendar days, weeks or months of
 * the zone, the current one included, up to now.
 */
final class PeriodArguments {
  private static final Pattern LAST = Pattern.compile("(\\d{1,4})(d|w|mo|h)");

  private PeriodArguments() {
  }

  /**
   * @param since {@code null}, a date or an ISO-8601 instant / offset date-time
   * @param until {@code null} (now), a date (exclusive: the start of that day) or an instant
   * @param last  {@code null}, or {@code 30d}, {@code 2w}, {@code 3mo}, {@code 12h}; not with since
   * @throws IllegalArgumentException with a message for the operator
   */
  public static HistoryPeriod resolve(String since, String until, String last, ZoneId zone, Instant now) {
    if (last != null && (since != null || until != null)) {
      throw new IllegalArgumentException("give either --last or --since/--until, not both");
    }
    if (since == null && until == null && last == null) {
      last = "30d";
    }
    if (last != null) {
      return new HistoryPeriod(lastStart(last, zone, now), now, zone);
    }
    if (since == null) {
      throw new IllegalArgumentException("--until needs --since");
    }
    Instant from = instant("--since", since, zone);
    Instant to = until == null ? now : instant("--until", until, zone);
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("--until (" + to + ") must be after --since (" + from + ")");
    }
    return new HistoryPeriod(from, to, zone);
  }

  private static Instant lastStart(String last, ZoneId zone, Instant now) {
    Matcher m = LAST.matcher(last.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
      throw new IllegalArgumentException("--last takes a count and a unit: 30d, 2w, 3mo or 12h (got '" + last + "')");
    }
    int n = Integer.parseInt(m.group(1));
    ZonedDateTime today = now.atZone(zone).toLocalDate().atStartOfDay(zone);
    return switch (m.group(2)) {
      case "h" -> now.minusSeconds(3600L * n);
      case "d" -> today.toLocalDate().minusDays(n - 1L).atStartOfDay(zone).toInstant();
      case "w" -> today.toLocalDate().minusDays(7L * n - 1).atStartOfDay(zone).toInstant();
      default -> today.toLocalDate().withDayOfMonth(1).minusMonths(n - 1L).atStartOfDay(zone).toInstant();
    };
  }

  private static Instant instant(String option, String text, ZoneId zone) {
    String t = text.strip();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(zone).toInstant();
      }
      if (t.endsWith("Z") || t.endsWith("z")) {
        return Instant.parse(t.toUpperCase(Locale.ROOT));
      }
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          option + " takes a date (2026-10-01) or an instant (2026-10-01T06:00:00Z); got '" + text + "'");
    }
  }
}
