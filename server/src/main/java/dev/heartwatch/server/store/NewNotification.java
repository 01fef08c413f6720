package dev.heartwatch.server.store;

import java.time.Instant;

/** A notification to raise with a flip, or as a summary (the outbox's input; see {@link NotificationRecord}). */
public record NewNotification(String idemKey, String device, String condition, Instant flipAt, Instant firedAt,
                              boolean suppressed, int suppressedBefore, String reason) {
    public boolean fired() {
        return NotificationRecord.FIRED.equals(condition);
    }
}
