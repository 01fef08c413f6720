package dev.heartwatch.server.notify;

import dev.heartwatch.core.outage.Outage;
import java.time.Instant;

/**
 * One notification ready to deliver, the same facts for every channel.
 *
 * @param idemKey    stable across re-deliveries (mail Message-ID, webhook alertId): receivers drop repeats
 * @param fired      {@code true} for "down" (Azure's monitorCondition Fired), else "resolved"
 * @param firedAt    when the alert fired (declaredDownAt)
 * @param resolvedAt when it resolved (the first beat back), null for a fired alert
 * @param lastSeen   the device's last heartbeat before the outage, when known
 * @param outage     for a resolved alert: the merged outage (exact agent times where reported), else null
 */
public record AlertMessage(String idemKey, String ruleName, String device, boolean fired, Instant firedAt,
                           Instant resolvedAt, Instant lastSeen, Outage outage, int suppressedBefore,
                           String reason, String subject, String text) {
}
