package dev.heartwatch.server.store;

import java.time.Instant;

/**
 * One notification row: raised in the same transaction as the flip that caused it, planned by
 * the aggregation policy after the evaluation, delivered later by each channel's worker and
 * marked sent once every channel is done with it (at-least-once; {@code idemKey} lets receivers
 * drop repeats).
 *
 * @param condition   {@code FIRED} or {@code RESOLVED}
 * @param flipAt      the flip's {@code at} (a digest: the evaluation's instant)
 * @param firedAt     for RESOLVED: when the alert it resolves fired
 * @param suppressed  raised during the device's cooldown: recorded, not sent, summarised later
 * @param suppressedBefore for a summary: how many suppressed notifications it stands for
 * @param kind        {@link #SINGLE} (one device's) or {@link #DIGEST} (a message for many; device empty)
 * @param threadKey   its outage's thread, once planned
 * @param carriedBy   the row whose message says it (a digest, or its parent's); null: its own message;
 *                    0: absorbed by a message sent before
 * @param behind      for a check folded into its parent's message: the parent
 * @param plannedAt   when the aggregation policy decided its message; null: not yet (not sent)
 */
public record NotificationRecord(long id, String idemKey, String device, String condition, Instant flipAt,
                                 Instant createdAt, Instant firedAt, boolean suppressed, int suppressedBefore,
                                 String reason, Instant sentAt, int attempts, String kind, String threadKey,
                                 Long carriedBy, String behind, Instant plannedAt) {
    public static final String FIRED = "FIRED";
    public static final String RESOLVED = "RESOLVED";
    public static final String SINGLE = "single";
    public static final String DIGEST = "digest";

    public boolean fired() {
        return FIRED.equals(condition);
    }

    public boolean digest() {
        return DIGEST.equals(kind);
    }
}
