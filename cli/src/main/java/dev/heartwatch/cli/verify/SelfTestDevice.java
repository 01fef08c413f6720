package dev.heartwatch.cli.verify;

import java.util.regex.Pattern;

/**
 * The device {@code deploy.sh --verify} beats for. Its id is an ordinary sanitised device id
 * (docs/contract.md §3), so {@code Ping} writes it as sent; it is reserved by convention, and
 * {@code heartwatch devices add} refuses it, so no expected device can be mistaken for it.
 * Its only beat says {@code state: stopping}, so the silence rule treats it as paused and never
 * alerts on it (docs/contract.md §6), and after the alert's two-day lookback it is gone.
 */
public final class SelfTestDevice {
  public static final String ID = "heartwatch-self-test";

  /** What marks one run's beat (its {@code note}); checked before it is put into a query. */
  static final Pattern MARKER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private SelfTestDevice() {}

  /** Whether {@code device} (sanitised) is reserved for Heartwatch's own checks. */
  public static boolean isReserved(String device) {
    return ID.equals(device);
  }
}
