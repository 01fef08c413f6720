package dev.heartwatch.cli.verify;

import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.AzureHistorySource;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
    Duration bound = positive("--within", within);
    Duration limit = positive("--timeout", timeout);
    Duration poll = positive("--poll-every", pollEvery);
    PrintWriter err = spec.commandLine().getErr();
    VerifyQueries queries = new VerifyQueries(parent.logs(), resource.strip());
    // The id was checked above, so it cannot end the KQL string literal.
    String kql = "traces\n"
        + "| where message startswith \"[heartbeat] \"\n"
        + "| extend beat = parse_json(substring(message, 12))\n"
        + "| where tostring(beat.device) == \"" + device + "\"\n"
        + "| summarize lastSeen = max(timestamp), beats = count()\n"
        + "| project lastSeen, beats, queriedAt = now()";
    Instant start = parent.clock.instant();
    Instant deadline = start.plus(limit);
    for (int attempt = 1; ; attempt++) {
      Instant asked = parent.clock.instant();
      QueryTimeInterval interval = new QueryTimeInterval(
          OffsetDateTime.ofInstant(asked.minus(bound).minus(Duration.ofMinutes(1)), ZoneOffset.UTC),
          OffsetDateTime.ofInstant(asked.plus(Duration.ofMinutes(1)), ZoneOffset.UTC));
      LogsTable table = queries.run("the peer-beat query", kql, interval);
      Instant lastSeen = table.getRows().isEmpty() ? null : VerifyQueries.instant(table.getRows().get(0), "lastSeen");
      Instant now = table.getRows().isEmpty() ? null : VerifyQueries.instant(table.getRows().get(0), "queriedAt");
      now = now == null ? asked : now;
      if (lastSeen != null && Duration.between(lastSeen, now).compareTo(bound) <= 0) {
        String beats = VerifyQueries.text(table.getRows().get(0), "beats");
        spec.commandLine().getOut().println(device + " last heard " + IngestionCommand.seconds(Duration.between(lastSeen, now))
            + " ago (within " + bound + "; " + beats + " beats in the last " + bound.plusMinutes(1) + ")");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
      Instant after = parent.clock.instant();
      if (!after.isBefore(deadline)) {
        throw new CliFailure(ExitCodes.FAILURE, "no beat of " + device + " within " + bound + " in this stack's traces ("
            + attempt + " queries over " + IngestionCommand.seconds(Duration.between(start, after))
            + (lastSeen == null ? "; none in the window" : "; the last one " + IngestionCommand.seconds(Duration.between(lastSeen, now)) + " old")
            + "). The peer's StackBeat does not reach this stack's StackPing: check the peer's HEARTWATCH_PEER_PING_URL"
            + " and HEARTWATCH_PEER_KEY settings and its log stream, and that StackPing's function key peer here is the"
            + " vault's peer-function-key (rerun scripts/deploy.sh --secondary-location ... to set it)");
      }
      err.println("    waiting for " + device + " in traces: " + IngestionCommand.seconds(Duration.between(start, after))
          + " of " + limit + " (query " + attempt + ")");
      err.flush();
      Duration left = Duration.between(after, deadline);
      parent.sleeper.sleep(left.compareTo(poll) < 0 ? left : poll);
    }
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
    throw new CliFailure(ExitCodes.BAD_INPUT, option + " takes a positive ISO-8601 duration such as PT5M, not '" + value + "'");
  }
}
