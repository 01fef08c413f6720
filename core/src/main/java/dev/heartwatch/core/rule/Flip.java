package dev.heartwatch.core.rule;

import java.time.Instant;
import java.util.Objects;

/**
 * A change of a device's {@link DeviceStatus}, recorded once (healthchecks style). The store
 * applies it as a compare-and-set ({@code UPDATE ... SET status = to WHERE device = ? AND
 * status = from}), so two evaluators never notify twice.
 *
 * @param at when it really happened, not when an evaluator noticed: for a DOWN flip the
 *           {@code declaredDownAt} (last heartbeat + threshold); for UP and STOPPED the beat
 *           that caused it; for UNKNOWN the instant the device left the lookback
 */
public record Flip(String device, DeviceStatus from, DeviceStatus to, Instant at, String reason) {

    public Flip {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        if (from == to) {
            throw new IllegalArgumentException("a flip changes the status: " + from);
        }
    }
}
