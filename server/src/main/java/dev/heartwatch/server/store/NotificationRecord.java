package dev.heartwatch.server.store;

import java.time.Instant;

/**
 * One notification row: raised in the same transaction as the flip that caused it, delivered
 * later by the sender and marked sent (at-least-once; {@code idemKey} lets receivers drop repeats).
 *
 * @param condition   {@code FIRED} or {@code RESOLVED}
 * @param flipAt      the flip's {@code at}
 * @param firedAt     for RESOLVED: when the alert it resolves fired
 * @param suppressed  raised during the device's cooldown: recorded, not sent, summarised later
 * @param suppressedBefore for a summary: how many suppressed notifications it stands for
 */
public record NotificationRecord(long id, String idemKey, String device, String condition, Instant flipAt,
                                 Instant createdAt, Instant firedAt, boolean suppressed, int suppressedBefore,
                                 String reason, Instant sentAt, int attempts) {
    public static final String FIRED = "FIRED";
    public static final String RESOLVED = "RESOLVED";

    public boolean fired() {
        return FIRED.equals(condition);
    }
}
