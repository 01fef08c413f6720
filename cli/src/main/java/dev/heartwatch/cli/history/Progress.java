package dev.heartwatch.cli.history;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress lines on stderr for a person at a terminal; silent when the output is piped or in a
 * script (no console), so logs and CSV stay clean.
 */
public final class Progress {
  private final PrintWriter err;
  private final boolean enabled;
  private final long startNanos = System.nanoTime();

  public Progress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** On when there is a console (a terminal on both ends), like {@code git}'s progress. */
  public static Progress forConsole(PrintWriter err) {
    return new Progress(err, System.console() != null);
  }

  public static Progress silent() {
    return new Progress(new PrintWriter(PrintWriter.nullWriter()), false);
  }

  public void step(String what) {
    if (enabled) {
      Duration t = Duration.ofNanos(System.nanoTime() - startNanos);
      err.printf("heartwatch: [%d.%ds] %s%n", t.toSeconds(), t.toMillisPart() / 100, what);
      err.flush();
    }
  }
}
