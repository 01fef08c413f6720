package dev.heartwatch.cli.verify;

import com.azure.core.util.Context;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.models.LogsQueryOptions;
import com.azure.monitor.query.models.LogsQueryResult;
import com.azure.monitor.query.models.LogsQueryResultStatus;
import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableCell;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.HistoryFailures;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** One query of a verify step through the Monitor Query client, and reading its cells. */
final class VerifyQueries {
  private final LogsQueryClient client;
  private final String resourceId;

  VerifyQueries(LogsQueryClient client, String resourceId) {
    this.client = client;
    this.resourceId = resourceId;
  }

  /** The result table; a partial or failed answer is a failure (a check must see everything). */
  LogsTable run(String what, String kql, QueryTimeInterval interval) {
    LogsQueryResult result;
    try {
      result = client.queryResourceWithResponse(resourceId, kql, interval,
          new LogsQueryOptions().setServerTimeout(Duration.ofMinutes(2)), Context.NONE).getValue();
    } catch (RuntimeException e) {
      throw HistoryFailures.ofAzure(e, resourceId);
    }
    if (result.getQueryResultStatus() != LogsQueryResultStatus.SUCCESS || result.getTable() == null) {
      String why = result.getError() == null ? "no table in the answer"
          : result.getError().getCode() + ": " + result.getError().getMessage();
      throw new CliFailure(ExitCodes.SERVICE, what + " failed: " + why);
    }
    return result.getTable();
  }

  static String text(LogsTableRow row, String column) {
    LogsTableCell cell = row.getColumnValue(column).orElseThrow(() -> new CliFailure(ExitCodes.SERVICE,
        "the answer has no column '" + column + "'"));
    String v = cell.getValueAsString();
    return v == null ? "" : v;
  }

  static Instant instant(LogsTableRow row, String column) {
    String v = text(row, column);
    if (v.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new CliFailure(ExitCodes.SERVICE, "column " + column + " is not a datetime: '" + v + "'");
    }
  }
}
