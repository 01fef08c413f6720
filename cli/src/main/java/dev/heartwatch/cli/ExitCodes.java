package dev.heartwatch.cli;

/** Exit codes every command shares, so scripts can tell failures apart. */
public final class ExitCodes {
  public static final int OK = 0;
  /** Anything not classified below. */
  public static final int FAILURE = 1;
  /** picocli's own code for a usage error (unknown option, missing parameter). */
  public static final int USAGE = 2;
  /** The input is wrong: a missing file, not a zip, an invalid device id or devices file. */
  public static final int BAD_INPUT = 3;
  /** The service could not be reached (connection refused, DNS, TLS, timeout). */
  public static final int UNREACHABLE = 4;
  /** No credential could be obtained, or the service rejected it (401/403). */
  public static final int AUTH = 5;
  /** The service answered with another error. */
  public static final int SERVICE = 6;
  /** The request conflicts with what is there (duplicate or unknown device, altered blob). */
  public static final int CONFLICT = 7;

  private ExitCodes() {}
}
