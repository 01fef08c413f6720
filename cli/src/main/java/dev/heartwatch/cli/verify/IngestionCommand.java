package dev.heartwatch.cli.verify;

import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.AzureHistorySource;
import dev.heartwatch.core.contract.DeviceId;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
    Duration limit = TracesPoll.positive("--timeout", timeout);
    Duration poll = TracesPoll.positive("--poll-every", pollEvery);
    Instant sentAt = Instant.ofEpochMilli(sentAtMillis);
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
    return new TracesPoll(parent, spec.commandLine().getErr(), limit, poll).until("the self-test line",
        asked -> {
          LogsTable table = queries.run("the ingestion query", kql, interval);
          return table.getRows().isEmpty() ? null : arrived(table.getRows().get(0), sentAt, asked);
        },
        (attempts, waited) -> new CliFailure(ExitCodes.FAILURE, "the self-test heartbeat (device " + device + ", note "
            + marker + ") was not in traces " + TracesPoll.seconds(waited) + " after it was sent (" + attempts
            + " queries, limit " + limit + "). The endpoint answered 200, so the line was written but not ingested:"
            + " check the app's APPLICATIONINSIGHTS_CONNECTION_STRING and that its identity holds Monitoring"
            + " Metrics Publisher on the component (local auth is off), look for sampling in host.json, then rerun"
            + " scripts/deploy.sh --verify (ingestion can take minutes on a new component)"));
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
    spec.commandLine().getOut().println("ingestion delay " + (pipeline == null ? "unknown" : TracesPoll.seconds(pipeline))
        + " (ingestion_time() - timestamp); queryable within " + TracesPoll.seconds(Duration.between(sentAt, seenBy))
        + " of sending; state stopping");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
