package dev.heartwatch.core.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * One device's standing against its schedule at one instant.
 *
 * @param status where it stands
 * @param dueAt  the due time its last beat does not answer yet: for a period, the last beat plus
 *               the period; for a cron, the first run after the last beat that the beat does not
 *               count for. {@code null} for STOPPED, NEVER_HEARD, or a cron that never runs again
 * @param lateAt the first instant it is LATE; equal to {@code dueAt}, except for an open run (a
 *               {@code start} with no success after it): start + grace, where it is DOWN at once
 * @param downAt {@code dueAt + grace}, the first instant it is DOWN (the time of a DOWN flip); for
 *               a {@code fail} the fail itself, for an open run start + grace
 * @param reason one sentence for people, with the instants
 */
public record Due(DueStatus status, Instant dueAt, Instant lateAt, Instant downAt, String reason) {

    public Due {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        if ((dueAt == null) != (downAt == null) || (dueAt == null) != (lateAt == null)) {
            throw new IllegalArgumentException("due, late and down instants come together");
        }
    }
}
