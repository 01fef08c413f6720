package dev.heartwatch.cli.devices;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * A device's own schedule as {@code devices add} and {@code devices set} take it: {@code --period},
 * or {@code --cron} with {@code --time-zone}, and {@code --grace}. The values stay text, as the
 * file holds them: {@code DeviceRegistry.parse} reads them, so the commands say what the file
 * would. {@code set} words two descriptions its own way (its resource bundle, keys
 * {@code period} and {@code cron}); the defaults here are {@code add}'s.
 */
public final class ScheduleOptions {
  @Option(names = "--period", paramLabel = "DURATION", descriptionKey = "period",
      description = "Beats every DURATION (ISO-8601, e.g. PT10M).")
  String period;

  @Option(names = "--cron", paramLabel = "EXPR", descriptionKey = "cron",
      description = "Beats at the runs of a five-field cron, e.g. '30 2 * * *'.")
  String cron;

  @Option(names = "--time-zone", paramLabel = "ZONE", description = "The cron's IANA zone, e.g. Europe/Berlin.")
  String timeZone;

  @Option(names = "--grace", paramLabel = "DURATION", description = "How late a beat may be before the device is down (ISO-8601).")
  String grace;

  /** Whether any of the four was given. */
  boolean named() {
    return period != null || cron != null || timeZone != null || grace != null;
  }

  /** Puts what was given into {@code o}, under the file's names. */
  void putInto(ObjectNode o) {
    if (period != null) {
      o.put("period", period);
    }
    if (cron != null) {
      o.put("cron", cron);
    }
    if (timeZone != null) {
      o.put("timeZone", timeZone);
    }
    if (grace != null) {
      o.put("grace", grace);
    }
  }
}
