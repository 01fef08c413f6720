package dev.heartwatch.cli.verify;

import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.AzureHistorySource;
import dev.heartwatch.core.contract.DeviceId;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Step 3 of {@code deploy.sh --verify}: polls {@code traces} until the self-test heartbeat with
 * this run's marker is there, and prints how long that took. Progress on stderr, the figures on
 * stdout (one line).
 */
@Command(name = "ingestion", mixinStandardHelpOptions = true,
    description = "Wait until the self-test heartbeat is queryable in traces; print the ingestion delay.")
final class IngestionCommand implements Callable<Integer> {
  @ParentCommand VerifyCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--resource", required = true, paramLabel = "ID", description = "Application Insights resource id.")
  String resource;

  @Option(names = "--device", defaultValue = SelfTestDevice.ID, description = "Device id (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--marker", required = true, description = "The beat's note, unique to this run.")
  String marker;

  @Option(names = "--sent-at", required = true, paramLabel = "EPOCH_MS", description = "When the beat was sent.")
  long sentAtMillis;

  @Option(names = "--timeout", defaultValue = "PT10M", description = "Give up after (ISO-8601, default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--poll-every", defaultValue = "PT15S", description = "Poll period (default ${DEFAULT-VALUE}).")
  String pollEvery;

  @Override
  public Integer call() throws InterruptedException {
    AzureHistorySource.checkedResourceId(resource);
    if (!DeviceId.isValid(device)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--device: not a device id: '" + device + "'");
    }
    if (!SelfTestDevice.MARKER.matcher(marker).matches()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--marker: 1-64 of [A-Za-z0-9._-], not '" + marker + "'");
    }
    Duration limit = positive("--timeout", timeout);
    Duration poll = positive("--poll-every", pollEvery);
    Instant sentAt = Instant.ofEpochMilli(sentAtMillis);
    PrintWriter err = spec.commandLine().getErr();
    VerifyQueries queries = new VerifyQueries(parent.logs(), resource.strip());
    // Both strings were checked above, so they cannot end the KQL string literal.
    String kql = "traces\n"
        + "| where message startswith \"[heartbeat] \"\n"
        + "| extend beat = parse_json(substring(message, 12))\n"
        + "| where tostring(beat.device) == \"" + device + "\" and tostring(beat.note) == \"" + marker + "\"\n"
        + "| project timestamp, ingested = ingestion_time(), state = tostring(beat.state)\n"
        + "| take 1";
    QueryTimeInterval interval = new QueryTimeInterval(
        OffsetDateTime.ofInstant(sentAt.minus(Duration.ofMinutes(10)), ZoneOffset.UTC),
        OffsetDateTime.ofInstant(sentAt.plus(limit).plus(Duration.ofMinutes(10)), ZoneOffset.UTC));
    Instant start = parent.clock.instant();
    Instant deadline = start.plus(limit);
    for (int attempt = 1; ; attempt++) {
      Instant asked = parent.clock.instant();
      LogsTable table = queries.run("the ingestion query", kql, interval);
      if (!table.getRows().isEmpty()) {
        return arrived(table.getRows().get(0), sentAt, asked);
      }
      Instant now = parent.clock.instant();
      if (!now.isBefore(deadline)) {
        throw new CliFailure(ExitCodes.FAILURE, "the self-test heartbeat (device " + device + ", note " + marker
            + ") was not in traces " + seconds(Duration.between(start, now)) + " after it was sent (" + attempt
            + " queries, limit " + limit + "). The endpoint answered 200, so the line was written but not ingested:"
            + " check the app's APPLICATIONINSIGHTS_CONNECTION_STRING and that its identity holds Monitoring"
            + " Metrics Publisher on the component (local auth is off), look for sampling in host.json, then rerun"
            + " scripts/deploy.sh --verify (ingestion can take minutes on a new component)");
      }
      err.println("    waiting for the self-test line in traces: " + seconds(Duration.between(start, now))
          + " of " + limit + " (query " + attempt + ")");
      err.flush();
      Duration left = Duration.between(now, deadline);
      parent.sleeper.sleep(left.compareTo(poll) < 0 ? left : poll);
    }
  }

  private Integer arrived(LogsTableRow row, Instant sentAt, Instant seenBy) {
    String state = VerifyQueries.text(row, "state");
    if (!"stopping".equals(state)) {
      throw new CliFailure(ExitCodes.FAILURE, "the self-test line says state '" + state + "', not 'stopping': the"
          + " deployed Ping does not keep the contract's state field (docs/contract.md §2), so this device would"
          + " alert; deploy the current function-app");
    }
    Instant timestamp = VerifyQueries.instant(row, "timestamp");
    Instant ingested = VerifyQueries.instant(row, "ingested");
    Duration pipeline = ingested == null || timestamp == null ? null : Duration.between(timestamp, ingested);
    spec.commandLine().getOut().println("ingestion delay " + (pipeline == null ? "unknown" : seconds(pipeline))
        + " (ingestion_time() - timestamp); queryable within " + seconds(Duration.between(sentAt, seenBy))
        + " of sending; state stopping");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", Math.max(0, d.toMillis()) / 1000.0);
  }

  private static Duration positive(String option, String value) {
    try {
      Duration d = Duration.parse(value);
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // said below
    }
    throw new CliFailure(ExitCodes.BAD_INPUT, option + " takes a positive ISO-8601 duration such as PT10M, not '" + value + "'");
  }
}
