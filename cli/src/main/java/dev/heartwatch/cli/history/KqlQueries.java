package dev.heartwatch.cli.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The history queries of {@code infra/queries/}, copied into the jar at build time, tuned the
 * way {@code infra/modules/queries.bicep} tunes the alert's: by replacing each whole default
 * {@code let name = value;} line (docs/queries.md, "Tunables"). A default line that is missing
 * is a build mistake and fails loudly, never a query run with the wrong range.
 */
public final class KqlQueries {
  public static final String GAPS = "history-gaps.kql";
  public static final String OUTAGES = "history-outages.kql";
  public static final String DAILY = "history-daily.kql";
  /** Every beat of the cron devices named (their runs on time, docs/history.md). */
  public static final String RUNS = "history-runs.kql";

  private static final String DEFAULT_SINCE = "let since = datetime(2026-01-01T00:00:00Z);";
  private static final String DEFAULT_UNTIL = "let until = datetime(2026-02-01T00:00:00Z);";
  private static final String DEFAULT_THRESHOLD = "let threshold = 5m;";
  private static final String DEFAULT_DEVICE = "let deviceFilter = \"\";";
  private static final String DEFAULT_DEVICE_LIST = "let deviceList = dynamic([]);";

  private KqlQueries() {}

  /**
   * @param device a valid device id (already checked against contract section 3), or {@code null}
   */
  public static String tuned(String file, Instant since, Instant until, Duration threshold, String device) {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put(DEFAULT_SINCE, "let since = " + datetime(since) + ";");
    lines.put(DEFAULT_UNTIL, "let until = " + datetime(until) + ";");
    if (GAPS.equals(file)) {
      lines.put(DEFAULT_THRESHOLD, "let threshold = " + timespan(threshold) + ";");
    }
    lines.put(DEFAULT_DEVICE, "let deviceFilter = \"" + (device == null ? "" : device) + "\";");
    return replaced(file, lines);
  }

  /**
   * {@link #RUNS} tuned to {@code [since, until)} and {@code devices}.
   *
   * @param devices valid device ids (contract section 3: {@code [a-z0-9._-]}, so safe inside quotes)
   */
  public static String runs(Instant since, Instant until, java.util.Collection<String> devices) {
    StringBuilder list = new StringBuilder();
    for (String d : devices) {
      if (!dev.heartwatch.core.contract.DeviceId.isValid(d)) {
        throw new IllegalArgumentException("not a device id: " + d);
      }
      list.append(list.isEmpty() ? "" : ",").append('"').append(d).append('"');
    }
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put(DEFAULT_SINCE, "let since = " + datetime(since) + ";");
    lines.put(DEFAULT_UNTIL, "let until = " + datetime(until) + ";");
    lines.put(DEFAULT_DEVICE_LIST, "let deviceList = dynamic([" + list + "]);");
    return replaced(RUNS, lines);
  }

  private static String replaced(String file, Map<String, String> lines) {
    String text = load(file);
    for (Map.Entry<String, String> e : lines.entrySet()) {
      text = replaceLine(file, text, e.getKey(), e.getValue());
    }
    return text;
  }

  static String load(String file) {
    String path = "queries/" + file;
    try (InputStream in = KqlQueries.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("query " + file + " is not in the jar (build with Maven)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code datetime(2026-10-01T00:00:00Z)}, at millisecond precision (the line's precision). */
  static String datetime(Instant instant) {
    return "datetime(" + DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS)) + ")";
  }

  /** A KQL timespan literal in whole milliseconds ({@code 300000ms} for PT5M). */
  static String timespan(Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("threshold must be positive: " + d);
    }
    return d.toMillis() + "ms";
  }

  private static String replaceLine(String file, String text, String defaultLine, String line) {
    Objects.requireNonNull(line);
    String[] parts = text.split("\n", -1);
    int found = 0;
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].strip().equals(defaultLine)) {
        parts[i] = line;
        found++;
      }
    }
    if (found != 1) {
      throw new IllegalStateException(file + " has " + found + " copies of the tunable line " + defaultLine);
    }
    return String.join("\n", parts);
  }
}
