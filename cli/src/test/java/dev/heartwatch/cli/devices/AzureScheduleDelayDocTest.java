package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.support.RepoRoot;
import dev.heartwatch.core.rule.DeviceFacts;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.DueRule;
import dev.heartwatch.core.schedule.Schedule;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The table "What it costs" in docs/alerting.md ("Schedules in Azure"): how much later Azure's
 * limit ({@code lastBeat + limit}, the limit {@code devices azure-parameters} deploys) says DOWN
 * than the server's exact rule ({@link DueRule}), for a device that beat on time at a run and
 * then fell silent, over every run of the year from {@link #FROM}. Each row here is computed and
 * must be in the document as written.
 */
class AzureScheduleDelayDocTest {
  static final Instant FROM = Instant.parse(DevicesAzureParametersCommandTest.FROM);
  private static final Duration EVALUATION = Duration.ofMinutes(5);

  record Row(String entry, Schedule schedule) {}

  private static Schedule cron(String expression, String zone, Duration grace) {
    return new Schedule.Cron(expression, ZoneId.of(zone), grace);
  }

  static final List<Row> ROWS = List.of(
      new Row("`{\"period\": \"PT10M\", \"grace\": \"PT5M\"}`", new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5))),
      new Row("`{\"cron\": \"*/15 * * * *\", \"timeZone\": \"Etc/UTC\", \"grace\": \"PT5M\"}`", cron("*/15 * * * *", "Etc/UTC", Duration.ofMinutes(5))),
      new Row("`{\"cron\": \"0 */6 * * *\", \"timeZone\": \"Europe/Berlin\", \"grace\": \"PT30M\"}`", cron("0 */6 * * *", "Europe/Berlin", Duration.ofMinutes(30))),
      new Row("`{\"cron\": \"30 2 * * *\", \"timeZone\": \"Asia/Kolkata\", \"grace\": \"PT1H\"}`", cron("30 2 * * *", "Asia/Kolkata", Duration.ofHours(1))),
      new Row("`{\"cron\": \"30 2 * * *\", \"timeZone\": \"Europe/Berlin\", \"grace\": \"PT1H\"}`", cron("30 2 * * *", "Europe/Berlin", Duration.ofHours(1))),
      new Row("`{\"cron\": \"0 8 * * 1-5\", \"timeZone\": \"Etc/UTC\", \"grace\": \"PT1H\"}`", cron("0 8 * * 1-5", "Etc/UTC", Duration.ofHours(1))));

  /** The beats a device that beats on time makes over the year: one per run, or one per period. */
  private static List<Instant> onTimeBeats(Schedule schedule) {
    List<Instant> beats = new ArrayList<>();
    Instant end = FROM.plus(Duration.ofDays(365));
    if (schedule instanceof Schedule.Period p) {
      for (Instant t = FROM; t.isBefore(end); t = t.plus(p.period())) {
        beats.add(t);
      }
      return beats;
    }
    Schedule.Cron c = (Schedule.Cron) schedule;
    for (Optional<Instant> t = c.nextRunAfter(FROM); t.isPresent() && t.get().isBefore(end); t = c.nextRunAfter(t.get())) {
      beats.add(t.get());
    }
    return beats;
  }

  private static String cell(Row row) {
    var fit = row.schedule().fitsAzure(SilenceRule.MAX_LOOKBACK, EVALUATION, FROM);
    if (!fit.fits()) {
      return "| " + row.entry() + " | " + text(fit.needed()) + ": refused (over PT47H55M) | — | — |";
    }
    List<Duration> delays = new ArrayList<>();
    DueRule rule = DueRule.standard();
    for (Instant beat : onTimeBeats(row.schedule())) {
      Instant server = rule.decide(row.schedule(), new DeviceFacts("d", beat, false), beat).downAt();
      delays.add(Duration.between(server, beat.plus(fit.needed())));
    }
    Collections.sort(delays);
    assertTrue(delays.get(0).compareTo(Duration.ZERO) >= 0, row.entry() + ": Azure would say DOWN before the server: " + delays.get(0));
    return "| " + row.entry() + " | " + text(fit.needed()) + " | " + text(delays.get(delays.size() / 2)) + " | "
        + text(delays.get(delays.size() - 1)) + " |";
  }

  private static String text(Duration d) {
    return d.isZero() ? "0" : d.toString();
  }

  @Test
  void theDelayTableInDocsAlertingIsWhatTheRulesSay() throws Exception {
    String docs = Files.readString(RepoRoot.find().resolve("docs/alerting.md"));
    List<String> missing = new ArrayList<>();
    for (Row row : ROWS) {
      String line = cell(row);
      if (!docs.contains(line)) {
        missing.add(line);
      }
    }
    assertEquals(List.of(), missing, "docs/alerting.md lacks these rows of the Azure delay table (or has other figures)");
  }
}
