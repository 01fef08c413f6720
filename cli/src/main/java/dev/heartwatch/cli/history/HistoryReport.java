package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.DeviceHistory;
import dev.heartwatch.core.history.History;
import dev.heartwatch.core.history.HistoryPeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a report prints: core's {@link History} (computed by {@code HistoryModel}), when it was
 * made and from where. Every renderer (table, CSV, JSON, HTML) prints this and computes nothing
 * of its own.
 *
 * @param generatedAt when the report was made (the present of the run)
 * @param source      where the facts came from, as shown to a reader (a resource id or server)
 */
public record HistoryReport(History history, Instant generatedAt, String source) {

  public HistoryReport {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(generatedAt, "generatedAt");
    Objects.requireNonNull(source, "source");
  }

  public HistoryPeriod period() {
    return history.period();
  }

  public Duration threshold() {
    return history.threshold();
  }

  /** The silence that is an outage for {@code d} when its beats' schedule raises the threshold (issue 17). */
  public java.util.Optional<Duration> ownThreshold(DeviceHistory d) {
    return history.ownThreshold(d.device());
  }

  public List<DeviceHistory> devices() {
    return history.devices();
  }

  /** Downtime of every device together, inside the period. */
  public Duration totalDowntime() {
    return history.totalDowntime();
  }

  public int outageCount() {
    return history.outageCount();
  }
}
