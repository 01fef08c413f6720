package dev.heartwatch.core.outage;

import java.time.Instant;
import java.util.Objects;

/**
 * A silence between two consecutive heartbeats of one device, as a query that aggregates on the
 * server returns it (Application Insights {@code history-gaps.kql}): the history tool never sees
 * the beats themselves, only the gaps.
 *
 * @param lastBeat      receiver time of the beat before the gap
 * @param nextBeat      receiver time of the beat after it, or {@code null} while still silent
 * @param afterStopping the beat before the gap said {@code stopping}: a deliberate pause
 */
public record Gap(String device, Instant lastBeat, Instant nextBeat, boolean afterStopping) {

    public Gap {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(lastBeat, "lastBeat");
        if (nextBeat != null && nextBeat.isBefore(lastBeat)) {
            throw new IllegalArgumentException("gap of " + device + " ends before it starts");
        }
    }
}
