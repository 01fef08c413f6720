package dev.heartwatch.cli.history;

import dev.heartwatch.core.history.HistoryFacts;
import java.time.Duration;
import java.time.Instant;

/** Where the facts of a history come from: Application Insights, or a heartwatch-server. */
public interface HistorySource {

  /**
   * The facts over {@code [from, to)}.
   *
   * @param device one device id, or {@code null} for all
   * @throws dev.heartwatch.cli.CliFailure with a history exit code on any failure
   */
  HistoryFacts read(Instant from, Instant to, String device, Duration threshold, Progress progress);

  /** Names the store in a report ("Application Insights ..." or the server's address). */
  String describe();
}
