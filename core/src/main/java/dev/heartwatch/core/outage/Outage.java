package dev.heartwatch.core.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One merged outage of one device, on the receiver's clock.
 *
 * @param start  {@code outageStart}: the agent's reported start where there is one, else the
 *               last heartbeat plus the heartbeat interval
 * @param end    the first beat back, or {@code null} while the outage is ongoing
 * @param cause  the agent's cause code, {@code unknown} when only the cloud saw it
 * @param id     the agent's outage id, or {@code cloud:<epoch ms of the last beat before the gap>}
 */
public record Outage(String device, Instant start, Instant end, String cause, String detail,
                     Source source, String id) {

    public Outage {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(id, "id");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("outage " + id + " ends before it starts");
        }
    }

    public boolean ongoing() {
        return end == null;
    }

    /** Its length; an ongoing outage lasts until {@code now}. */
    public Duration duration(Instant now) {
        Instant until = end != null ? end : now;
        return until.isBefore(start) ? Duration.ZERO : Duration.between(start, until);
    }
}
