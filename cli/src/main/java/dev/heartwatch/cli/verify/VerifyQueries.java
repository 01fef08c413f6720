package dev.heartwatch.cli.verify;

import com.azure.core.util.Context;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.models.LogsQueryOptions;
import com.azure.monitor.query.models.LogsQueryResult;
import com.azure.monitor.query.models.LogsQueryResultStatus;
import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.azure.QueryCells;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.HistoryFailures;
import java.time.Duration;
import java.time.Instant;

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
    return QueryCells.text(row, column);
  }

  static Instant instant(LogsTableRow row, String column) {
    return QueryCells.instant(row, column);
  }
}
