package dev.heartwatch.cli;

/** A failure the operator can act on: printed as one line, returned as {@link #exitCode()}. */
public final class CliFailure extends RuntimeException {
  private final int exitCode;

  public CliFailure(int exitCode, String message) {
    super(ConsoleText.of(message), null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
