package dev.heartwatch.cli.azure;

import com.azure.monitor.query.models.LogsTableCell;
import com.azure.monitor.query.models.LogsTableRow;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reading the cells of a Monitor Query answer, for every query the CLI runs (history and
 * verify): a missing column or a cell of the wrong shape is a service failure (exit 6) that
 * names the column, never a stack trace.
 */
public final class QueryCells {
  private QueryCells() {
  }

  /** The cell as text; empty for an empty cell. */
  public static String text(LogsTableRow row, String column) {
    LogsTableCell cell = row.getColumnValue(column).orElseThrow(() -> new CliFailure(ExitCodes.SERVICE,
        "the query answer has no column '" + column + "' (docs/queries.md): is the jar older than the queries?"));
    String v = cell.getValueAsString();
    return v == null ? "" : v;
  }

  /** The cell as an instant; {@code null} for an empty cell. */
  public static Instant instant(LogsTableRow row, String column) {
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
