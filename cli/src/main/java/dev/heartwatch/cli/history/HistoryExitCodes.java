package dev.heartwatch.cli.history;

import dev.heartwatch.cli.ExitCodes;

/**
 * Exit codes of {@code heartwatch history} (docs/history.md). The shared ones keep the meaning
 * they have in every command ({@link ExitCodes}); the three history adds are new numbers, so a
 * script can tell "log in again" from "wait" from "the data is incomplete".
 */
public final class HistoryExitCodes {
  /** Done; also an empty period, which says "no heartbeats between ... and ..." on stderr. */
  public static final int OK = ExitCodes.OK;
  public static final int FAILURE = ExitCodes.FAILURE;
  public static final int USAGE = ExitCodes.USAGE;
  /** A bad option value: period, zone, device id, threshold, resource id, output file. */
  public static final int BAD_INPUT = ExitCodes.BAD_INPUT;
  /** Connection refused, DNS, TLS, timeout. */
  public static final int UNREACHABLE = ExitCodes.UNREACHABLE;
  /** No credential, or 401/403: not authorised. */
  public static final int AUTH = ExitCodes.AUTH;
  /** Another error answer from the service (5xx, a query error). */
  public static final int SERVICE = ExitCodes.SERVICE;
  /** 404: no such Application Insights resource (or a server without the history endpoint). */
  public static final int NOT_FOUND = 8;
  /** 429 after every retry. */
  public static final int THROTTLED = 9;
  /** The query answered only part of the data, and {@code --allow-partial} was not given. */
  public static final int PARTIAL = 10;

  private HistoryExitCodes() {}
}
