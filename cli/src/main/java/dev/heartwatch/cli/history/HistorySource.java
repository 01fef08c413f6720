package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.schedule.DeviceRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Where the facts of a history come from: Application Insights, or a heartwatch-server. */
public interface HistorySource {

  /**
   * The facts over {@code [from, to)}.
   *
   * @param device one device id, or {@code null} for all
   * @throws dev.heartwatch.cli.CliFailure with a history exit code on any failure
   */
  HistoryFacts read(Instant from, Instant to, String device, Duration threshold, Progress progress);

  /**
   * The facts, with every beat of {@code cronDevices} kept whole (their runs on time,
   * docs/history.md "Runs on time").
   */
  default HistoryFacts read(Instant from, Instant to, String device, Duration threshold, Progress progress,
                            Set<String> cronDevices) {
    return read(from, to, device, threshold, progress);
  }

  /**
   * The device registry this store keeps (a heartwatch-server's), for each device's schedule;
   * empty when it keeps none (Application Insights: {@code --devices FILE} gives it).
   */
  default Optional<DeviceRegistry> registry(Progress progress) {
    return Optional.empty();
  }

  /** Names the store in a report ("Application Insights ..." or the server's address). */
  String describe();
}
