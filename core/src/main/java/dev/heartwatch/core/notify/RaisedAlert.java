package dev.heartwatch.core.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * One notification raised by an evaluation, as the aggregation policy sees it.
 *
 * @param key       the caller's handle for it (the server's idempotency key), returned in the plan
 * @param flipAt    when the flip that raised it happened
 * @param downAt    when the outage it belongs to was declared down: {@code flipAt} for a FIRED, the
 *                  FIRED's flip time for a RESOLVED; null when no DOWN is known (a RESOLVED summary)
 * @param lastSeen  the device's last heartbeat, when known; only read to fold a check behind its parent
 */
public record RaisedAlert(String key, String device, AlertCondition condition, Instant flipAt, Instant downAt,
                          Instant lastSeen) {

    public RaisedAlert {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(flipAt, "flipAt");
    }

    public boolean fired() {
        return condition == AlertCondition.FIRED;
    }

    /**
     * One thread per outage: the device and the instant its DOWN was declared, so a RESOLVED
     * joins the thread its FIRED opened (one mail thread, one GitHub issue). A RESOLVED whose
     * DOWN is unknown starts a thread of its own.
     */
    public String threadKey() {
        return device + "@" + (downAt != null ? downAt : flipAt);
    }
}
