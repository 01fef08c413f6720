package dev.heartwatch.cli.verify;

import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.AzureHistorySource;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code deploy.sh --verify} with a secondary (issue 18): the other stack's own beat
 * ({@code stack-<peer>}, its StackBeat through this stack's StackPing) is in this stack's
 * {@code traces}, its last line at most {@code --within} old. Polls until it is, or
 * {@code --timeout}: after a first deployment the timer's first beat and its ingestion take
 * minutes. Progress on stderr, the figures on stdout (one line).
 */
@Command(name = "peer-beat", mixinStandardHelpOptions = true,
    description = "Wait until the peer stack's own beat (stack-<peer>) is recent in this stack's traces.")
final class PeerBeatCommand implements Callable<Integer> {
  /** A stack's reserved id (docs/regions.md, "Names"): stack- and a name of [a-z0-9-]{1,40}. */
  static final Pattern STACK_ID = Pattern.compile("stack-[a-z0-9-]{1,40}");

  @ParentCommand VerifyCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--resource", required = true, paramLabel = "ID", description = "This stack's Application Insights resource id.")
  String resource;

  @Option(names = "--device", required = true, description = "The peer's reserved id, stack-<its region>.")
  String device;

  @Option(names = "--within", defaultValue = "PT5M",
      description = "The last beat may be this old (ISO-8601, default ${DEFAULT-VALUE}: the alert threshold).")
  String within;

  @Option(names = "--timeout", defaultValue = "PT10M", description = "Give up after (ISO-8601, default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--poll-every", defaultValue = "PT15S", description = "Poll period (default ${DEFAULT-VALUE}).")
  String pollEvery;

  @Override
  public Integer call() throws InterruptedException {
    AzureHistorySource.checkedResourceId(resource);
    if (!STACK_ID.matcher(device).matches()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--device: a stack's reserved id is stack-<[a-z0-9-]{1,40}>, not '" + device + "'");
    }
    Duration bound = TracesPoll.positive("--within", within);
    Duration limit = TracesPoll.positive("--timeout", timeout);
    Duration poll = TracesPoll.positive("--poll-every", pollEvery);
    VerifyQueries queries = new VerifyQueries(parent.logs(), resource.strip());
    // The id was checked above, so it cannot end the KQL string literal.
    String kql = "traces\n"
        + "| where message startswith \"[heartbeat] \"\n"
        + "| extend beat = parse_json(substring(message, 12))\n"
        + "| where tostring(beat.device) == \"" + device + "\"\n"
        + "| summarize lastSeen = max(timestamp), beats = count()\n"
        + "| project lastSeen, beats, queriedAt = now()";
    // The last query's answer, for the failure: how old the last beat was, if there was one.
    Duration[] lastAge = {null};
    return new TracesPoll(parent, spec.commandLine().getErr(), limit, poll).until(device,
        asked -> {
          QueryTimeInterval interval = new QueryTimeInterval(
              OffsetDateTime.ofInstant(asked.minus(bound).minus(Duration.ofMinutes(1)), ZoneOffset.UTC),
              OffsetDateTime.ofInstant(asked.plus(Duration.ofMinutes(1)), ZoneOffset.UTC));
          LogsTable table = queries.run("the peer-beat query", kql, interval);
          LogsTableRow row = table.getRows().isEmpty() ? null : table.getRows().get(0);
          Instant lastSeen = row == null ? null : VerifyQueries.instant(row, "lastSeen");
          Instant now = row == null ? null : VerifyQueries.instant(row, "queriedAt");
          now = now == null ? asked : now;
          lastAge[0] = lastSeen == null ? null : Duration.between(lastSeen, now);
          if (lastAge[0] == null || lastAge[0].compareTo(bound) > 0) {
            return null;
          }
          spec.commandLine().getOut().println(device + " last heard " + TracesPoll.seconds(lastAge[0]) + " ago (within "
              + bound + "; " + VerifyQueries.text(row, "beats") + " beats in the last " + bound.plusMinutes(1) + ")");
          spec.commandLine().getOut().flush();
          return ExitCodes.OK;
        },
        (attempts, waited) -> new CliFailure(ExitCodes.FAILURE, "no beat of " + device + " within " + bound
            + " in this stack's traces (" + attempts + " queries over " + TracesPoll.seconds(waited)
            + (lastAge[0] == null ? "; none in the window" : "; the last one " + TracesPoll.seconds(lastAge[0]) + " old")
            + "). The peer's StackBeat does not reach this stack's StackPing: check the peer's HEARTWATCH_PEER_PING_URL"
            + " and HEARTWATCH_PEER_KEY settings and its log stream, and that StackPing's function key peer here is the"
            + " vault's peer-function-key (rerun scripts/deploy.sh --secondary-location ... to set it)"));
  }
}
