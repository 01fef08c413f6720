package dev.heartwatch.core.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One {@code [outage]} line: an outage the agent lived through and reported afterwards.
 *
 * @param start  agent clock: the first failed beat (or the agent's stop)
 * @param end    agent clock: the first beat that succeeded again
 * @param cause  cause code ({@code docs/contract.md} section 4)
 * @param detail free text, may be empty
 * @param skew   receiver {@code ts} minus the agent's {@code sentAt} (clock skew plus transit), or
 *               {@code null} when the agent sent no {@code sentAt}
 */
public record ReportedOutage(String device, String id, Instant start, Instant end, String cause,
                             String detail, Duration skew) {

    public ReportedOutage {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("outage " + id + " ends before it starts");
        }
        cause = cause == null || cause.isEmpty() ? "unknown" : cause;
        detail = detail == null ? "" : detail;
    }

    /** Start on the receiver's clock: the agent's start plus the skew, when known. */
    public Instant receiverStart() {
        return skew == null ? start : start.plus(skew);
    }

    /** End on the receiver's clock: the agent's end plus the skew, when known. */
    public Instant receiverEnd() {
        return skew == null ? end : end.plus(skew);
    }
}
