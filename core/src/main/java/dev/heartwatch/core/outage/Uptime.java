package dev.heartwatch.core.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Uptime of one device over {@code [from, to)}.
 *
 * @param monitored time the device was watched in the period (after its first heartbeat, not
 *                  stopped, not in the future)
 * @param down      time in merged outages within {@code monitored}
 */
public record Uptime(Instant from, Instant to, Duration monitored, Duration down) {

    public Uptime {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(monitored, "monitored");
        Objects.requireNonNull(down, "down");
        if (down.compareTo(monitored) > 0 || down.isNegative()) {
            throw new IllegalArgumentException("down " + down + " outside [0, monitored " + monitored + "]");
        }
    }

    /** Percent of the monitored time the device was up; empty when nothing was monitored. */
    public OptionalDouble percent() {
        if (monitored.isZero()) {
            return OptionalDouble.empty();
        }
        double m = monitored.toMillis();
        return OptionalDouble.of(100.0 * (m - down.toMillis()) / m);
    }
}
