package dev.heartwatch.cli.devices;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Device ids as docs/contract.md §3 defines them: NFKC, lower-cased, every run of characters
 * outside {@code [a-z0-9._-]} becomes one {@code -}, leading and trailing {@code -} and {@code .}
 * removed, cut to 64 characters. (core's contract package implements the same rule for
 * {@code Ping}; the two must agree, and the lead merges them into one.)
 */
public final class DeviceIds {
  public static final int MAX_LENGTH = 64;
  private static final Pattern OUTSIDE = Pattern.compile("[^a-z0-9._-]+");
  private static final Pattern EDGES = Pattern.compile("^[-.]+|[-.]+$");

  private DeviceIds() {}

  /** The sanitised id; empty when nothing is left (that names no device). */
  public static String normalize(String raw) {
    if (raw == null) {
      return "";
    }
    String text = Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    text = OUTSIDE.matcher(text).replaceAll("-");
    text = EDGES.matcher(text).replaceAll("");
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
  }

  /** True when {@code id} is already in sanitised form. */
  public static boolean isNormalized(String id) {
    return !id.isEmpty() && normalize(id).equals(id);
  }
}
