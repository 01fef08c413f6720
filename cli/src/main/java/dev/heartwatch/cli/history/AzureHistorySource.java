package dev.heartwatch.cli.history;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.models.LogsQueryOptions;
import com.azure.monitor.query.models.LogsQueryResult;
import com.azure.monitor.query.models.LogsQueryResultStatus;
import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableRow;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.azure.MonitorQueryClients;
import dev.heartwatch.cli.azure.QueryCells;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.outage.DeviceSpan;
import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.outage.RunBeat;
import dev.heartwatch.core.outage.Signal;
import dev.heartwatch.core.rule.BeatSchedule;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The facts from Application Insights, through the Azure Monitor Query SDK's
 * {@code queryResource}: by the component's resource id, so the {@code traces} schema the
 * alert reads (a workspace query would see {@code AppTraces}). Three small queries that
 * aggregate on the server (docs/queries.md): gaps, agent reports, daily spans.
 *
 * <p>Partial results: the API can answer {@code error} beside {@code tables}; the SDK throws on
 * that unless partial errors are allowed, so they are allowed here and the status is judged
 * below: a warning, then exit {@link HistoryExitCodes#PARTIAL} unless {@code allowPartial}.
 */
public final class AzureHistorySource implements HistorySource {
  /** The query API's public endpoint (the SDK's default). */
  public static final String DEFAULT_ENDPOINT = MonitorQueryClients.DEFAULT_ENDPOINT;

  private static final Pattern RESOURCE_ID = Pattern.compile(
      "/subscriptions/[0-9A-Fa-f-]{36}/resourceGroups/[A-Za-z0-9._()-]{1,90}"
          + "/providers/microsoft\\.insights/components/[A-Za-z0-9._()-]{1,260}",
      Pattern.CASE_INSENSITIVE);

  private final LogsQueryClient client;
  private final String resourceId;
  private final boolean allowPartial;
  private final PrintWriter err;

  public AzureHistorySource(String endpoint, TokenCredential credential, HttpClient httpClient, int retries,
      Duration retryBaseDelay, String resourceId, boolean allowPartial, PrintWriter err) {
    this.resourceId = checkedResourceId(resourceId);
    this.allowPartial = allowPartial;
    this.err = err;
    this.client = MonitorQueryClients.logs(endpoint, credential, httpClient, retries, retryBaseDelay);
  }

  /** The resource id as the Bicep outputs it; anything else is refused before a request. */
  public static String checkedResourceId(String id) {
    if (id == null || id.isBlank()) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT,
          "no Application Insights resource: give --resource ID or set APPLICATIONINSIGHTS_RESOURCE_ID"
              + " (the Bicep output), or use --server URL");
    }
    String t = id.strip();
    if (!RESOURCE_ID.matcher(t).matches()) {
      throw new CliFailure(HistoryExitCodes.BAD_INPUT,
          "not an Application Insights resource id: '" + t + "' (expected /subscriptions/<id>/resourceGroups/<rg>"
              + "/providers/microsoft.insights/components/<name>)");
    }
    return t;
  }

  @Override
  public String describe() {
    return "Application Insights " + resourceId.substring(resourceId.lastIndexOf('/') + 1);
  }

  @Override
  public HistoryFacts read(Instant from, Instant to, String device, Duration threshold, Progress progress) {
    return read(from, to, device, threshold, progress, Set.of());
  }

  @Override
  public HistoryFacts read(Instant from, Instant to, String device, Duration threshold, Progress progress,
                           Set<String> cronDevices) {
    // Only the cron devices asked for: a one-device report of a heartbeat device reads no beat.
    List<String> cron = cronDevices.stream().filter(d -> device == null || device.equals(d)).sorted().toList();
    String of = cron.isEmpty() ? "/3)" : "/4)";
    progress.step("querying gaps between heartbeats (1" + of);
    LogsTable gapRows = query(KqlQueries.GAPS, from, to, device, threshold);
    progress.step("querying outages the agents reported (2" + of);
    LogsTable outageRows = query(KqlQueries.OUTAGES, from, to, device, threshold);
    progress.step("querying heartbeats per day (3" + of);
    LogsTable dailyRows = query(KqlQueries.DAILY, from, to, device, threshold);
    Map<String, List<RunBeat>> runBeats = new TreeMap<>();
    if (!cron.isEmpty()) {
      progress.step("querying the cron devices' heartbeats (4/4)");
      LogsTable runRows = run(KqlQueries.RUNS, KqlQueries.runs(from, to, cron), from, to);
      for (LogsTableRow row : runRows.getRows()) {
        Instant at = QueryCells.instant(row, "timestamp");
        if (at == null) {
          throw badRow(KqlQueries.RUNS, "a heartbeat without its time");
        }
        Long durationMs = number(row, "durationMs");
        runBeats.computeIfAbsent(QueryCells.text(row, "device"), d -> new ArrayList<>()).add(new RunBeat(at,
            Signal.ofState(QueryCells.text(row, "state")), durationMs == null || durationMs < 0 ? null : durationMs));
      }
    }

    List<Gap> gaps = new ArrayList<>();
    for (LogsTableRow row : gapRows.getRows()) {
      Instant gapStart = QueryCells.instant(row, "gapStart");
      Instant gapEnd = QueryCells.instant(row, "gapEnd");
      if (gapStart == null || gapEnd == null || gapEnd.isBefore(gapStart)) {
        throw badRow(KqlQueries.GAPS, "a gap without a start and an end in order");
      }
      // The schedule the beat before the gap carried (issue 17), read as the query read it.
      BeatSchedule before = BeatSchedule.ofMillis(number(row, "prevPeriodMs"), number(row, "prevGraceMs")).orElse(null);
      gaps.add(new Gap(QueryCells.text(row, "device"), gapStart, gapEnd, "stopping".equals(QueryCells.text(row, "prevState")),
          before));
    }
    List<ReportedOutage> reports = new ArrayList<>();
    int dropped = 0;
    for (LogsTableRow row : outageRows.getRows()) {
      Instant start = QueryCells.instant(row, "start");
      Instant end = QueryCells.instant(row, "end");
      if (start == null || end == null || end.isBefore(start)) {
        dropped++;
        continue;
      }
      Long skew = number(row, "skewMs");
      reports.add(new ReportedOutage(QueryCells.text(row, "device"), QueryCells.text(row, "id"), start, end, QueryCells.text(row, "cause"),
          QueryCells.text(row, "detail"), skew == null ? null : Duration.ofMillis(skew)));
    }
    if (dropped > 0) {
      err.println("heartwatch: warning: " + dropped + " outage report(s) without a valid start and end were left out");
    }
    List<DeviceSpan> spans = new ArrayList<>();
    for (LogsTableRow row : dailyRows.getRows()) {
      Instant firstBeat = QueryCells.instant(row, "firstBeat");
      Instant lastBeat = QueryCells.instant(row, "lastBeat");
      Instant lastStop = QueryCells.instant(row, "lastStop");
      Long beats = number(row, "beats");
      if (firstBeat == null || lastBeat == null || lastBeat.isBefore(firstBeat) || beats == null || beats < 1) {
        throw badRow(KqlQueries.DAILY, "a day without its first and last beat in order, or without beats");
      }
      BeatSchedule last = BeatSchedule.ofMillis(number(row, "lastPeriodMs"), number(row, "lastGraceMs")).orElse(null);
      spans.add(new DeviceSpan(QueryCells.text(row, "device"), firstBeat, lastBeat, beats, lastBeat.equals(lastStop), last));
    }
    return HistoryFacts.fromGaps(from, to, spans, gaps, reports, runBeats);
  }

  private LogsTable query(String file, Instant from, Instant to, String device, Duration threshold) {
    return run(file, KqlQueries.tuned(file, from, to, threshold, device), from, to);
  }

  private LogsTable run(String file, String kql, Instant from, Instant to) {
    Response<LogsQueryResult> response;
    try {
      response = client.queryResourceWithResponse(resourceId, kql,
          new com.azure.monitor.query.models.QueryTimeInterval(
              OffsetDateTime.ofInstant(from, ZoneOffset.UTC), OffsetDateTime.ofInstant(to, ZoneOffset.UTC)),
          new LogsQueryOptions().setAllowPartialErrors(true).setServerTimeout(Duration.ofMinutes(3)),
          Context.NONE);
    } catch (RuntimeException e) {
      throw HistoryFailures.ofAzure(e, resourceId);
    }
    LogsQueryResult result = response.getValue();
    if (result.getQueryResultStatus() == LogsQueryResultStatus.PARTIAL_FAILURE) {
      String why = result.getError() == null ? "(no detail)"
          : HistoryFailures.firstLine(result.getError().getCode() + ": " + result.getError().getMessage());
      if (!allowPartial) {
        throw new CliFailure(HistoryExitCodes.PARTIAL,
            "partial results from " + file + ": " + why + "; the report would miss data."
                + " Ask for a shorter period, or pass --allow-partial to accept it");
      }
      err.println(dev.heartwatch.cli.ConsoleText.of("heartwatch: warning: partial results from " + file + ": " + why));
    } else if (result.getQueryResultStatus() == LogsQueryResultStatus.FAILURE || result.getTable() == null) {
      String why = result.getError() == null ? "no table in the answer" : result.getError().getMessage();
      throw new CliFailure(HistoryExitCodes.SERVICE, "query " + file + " failed: " + HistoryFailures.firstLine(why));
    }
    return result.getTable();
  }

  private static CliFailure badRow(String file, String what) {
    return new CliFailure(HistoryExitCodes.SERVICE, "the answer to " + file + " has " + what
        + " (docs/queries.md): is the jar older than the queries?");
  }

  private static Long number(LogsTableRow row, String column) {
    String v = QueryCells.text(row, column).toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.equals("null")) {
      return null;
    }
    try {
      return (long) Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new CliFailure(HistoryExitCodes.SERVICE, "column " + column + " is not a number: '" + v + "'");
    }
  }
}
