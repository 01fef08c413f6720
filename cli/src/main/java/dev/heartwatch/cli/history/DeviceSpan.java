package dev.heartwatch.cli.history;

import java.time.Instant;
import java.util.Objects;

/**
 * What was read of one device's beats without reading them all: the first and last beat in the
 * range, how many there were, and whether the last one said {@code stopping}.
 */
public record DeviceSpan(String device, Instant firstBeat, Instant lastBeat, long beats, boolean lastStopping) {
  public DeviceSpan {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(firstBeat, "firstBeat");
    Objects.requireNonNull(lastBeat, "lastBeat");
  }

  /** This span and a later or earlier one of the same device, as one. */
  DeviceSpan join(DeviceSpan other) {
    Instant first = firstBeat.isBefore(other.firstBeat) ? firstBeat : other.firstBeat;
    DeviceSpan latest = other.lastBeat.isAfter(lastBeat) ? other : this;
    return new DeviceSpan(device, first, latest.lastBeat, beats + other.beats, latest.lastStopping);
  }
}
