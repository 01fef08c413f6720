package dev.heartwatch.cli.verify;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The wait of the {@code verify} steps that look for a line in {@code traces}: query, and if it
 * is not there yet, say so on stderr and sleep a poll period (never past the deadline), until the
 * line is there or the time limit is spent. Ingestion into Application Insights takes seconds to
 * minutes, so each step polls; the clock and the sleeper are the parent command's, so tests run
 * a ten-minute wait at once.
 */
final class TracesPoll {
  /** One query: what it found, or {@code null} when the line is not there yet. */
  @FunctionalInterface
  interface Attempt<T> {
    T query(Instant asked);
  }

  /** The failure to report when the limit is spent, after {@code attempts} queries over {@code waited}. */
  @FunctionalInterface
  interface GiveUp {
    CliFailure after(int attempts, Duration waited);
  }

  private final VerifyCommand parent;
  private final PrintWriter err;
  private final Duration limit;
  private final Duration every;

  TracesPoll(VerifyCommand parent, PrintWriter err, Duration limit, Duration every) {
    this.parent = parent;
    this.err = err;
    this.limit = limit;
    this.every = every;
  }

  /** Queries until {@code attempt} finds what it looks for; throws {@code giveUp}'s failure at the limit. */
  <T> T until(String waitingFor, Attempt<T> attempt, GiveUp giveUp) throws InterruptedException {
    Instant start = parent.clock.instant();
    Instant deadline = start.plus(limit);
    for (int n = 1; ; n++) {
      T found = attempt.query(parent.clock.instant());
      if (found != null) {
        return found;
      }
      Instant now = parent.clock.instant();
      if (!now.isBefore(deadline)) {
        throw giveUp.after(n, Duration.between(start, now));
      }
      err.println("    waiting for " + waitingFor + " in traces: " + seconds(Duration.between(start, now))
          + " of " + limit + " (query " + n + ")");
      err.flush();
      Duration left = Duration.between(now, deadline);
      parent.sleeper.sleep(left.compareTo(every) < 0 ? left : every);
    }
  }

  /** A duration as the steps print it, {@code 12.3 s} (never negative). */
  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", Math.max(0, d.toMillis()) / 1000.0);
  }

  /** An option's ISO-8601 duration, which must be positive; a bad one is the user's error, said with an example. */
  static Duration positive(String option, String value) {
    try {
      Duration d = Duration.parse(value);
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // said below
    }
    throw new CliFailure(ExitCodes.BAD_INPUT, option + " takes a positive ISO-8601 duration such as PT10M, not '" + value + "'");
  }
}
