package dev.heartwatch.core.rule;

import java.time.Instant;
import java.util.Objects;

/**
 * One notification Azure sends for a device: the log search alert's per-dimension
 * {@code Fired} or {@code Resolved}.
 *
 * @param at       the evaluation instant that produced it (e-mail delivery adds its own delay)
 * @param lastSeen the last heartbeat that evaluation could see, {@code null} if none
 */
public record AlertEvent(String device, Kind kind, Instant at, Instant lastSeen) {

    public enum Kind { FIRED, RESOLVED }

    public AlertEvent {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
    }
}
