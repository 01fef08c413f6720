package dev.heartwatch.channels;

import dev.heartwatch.core.notify.DeviceList;
import dev.heartwatch.core.outage.Outage;
import java.time.Instant;
import java.util.List;

/**
 * One notification ready to deliver, the same facts for every channel.
 *
 * @param idemKey    stable across re-deliveries (mail Message-ID, webhook alertId): receivers drop repeats
 * @param device     the device; empty for a digest
 * @param fired      {@code true} for "down" (Azure's monitorCondition Fired), else "resolved"
 * @param firedAt    when the alert fired (declaredDownAt)
 * @param resolvedAt when it resolved (the first beat back), null for a fired alert
 * @param lastSeen   the device's last heartbeat before the outage, when known
 * @param outage     for a resolved alert: the merged outage (exact agent times where reported), else null
 * @param threadKey  the outage's thread ({@code AggregationPolicy}): a RESOLVED joins its DOWN's
 * @param digestOf   for a digest, the devices it names; null for a message about one device
 * @param behind     the checks folded into this device's message (none: {@link Names#NONE})
 * @param members    for a digest, each member's own message (its thread, its figures), given
 *                   only to a channel that keeps one thread per outage ({@link
 *                   NotificationChannel#wantsDigestMembers()}); empty otherwise
 */
public record AlertMessage(String idemKey, String ruleName, String device, boolean fired, Instant firedAt,
                           Instant resolvedAt, Instant lastSeen, Outage outage, int suppressedBefore,
                           String reason, String subject, String text, String threadKey, Names digestOf, Names behind,
                           List<AlertMessage> members) {

    public AlertMessage {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** A message without its members' own messages. */
    public AlertMessage(String idemKey, String ruleName, String device, boolean fired, Instant firedAt,
                        Instant resolvedAt, Instant lastSeen, Outage outage, int suppressedBefore,
                        String reason, String subject, String text, String threadKey, Names digestOf, Names behind) {
        this(idemKey, ruleName, device, fired, firedAt, resolvedAt, lastSeen, outage, suppressedBefore, reason, subject, text,
                threadKey, digestOf, behind, List.of());
    }

    /** This digest with its members' own messages. */
    public AlertMessage withMembers(List<AlertMessage> members) {
        return new AlertMessage(idemKey, ruleName, device, fired, firedAt, resolvedAt, lastSeen, outage, suppressedBefore, reason,
                subject, text, threadKey, digestOf, behind, members);
    }

    public boolean digest() {
        return digestOf != null;
    }

    /** Device names, capped for the message, and how many there are in all. */
    public record Names(List<String> shown, int total) {
        public static final Names NONE = new Names(List.of(), 0);

        public Names {
            shown = List.copyOf(shown);
        }

        public static Names of(List<String> all, int cap) {
            return new Names(DeviceList.shown(all, cap), all.size());
        }

        /** "a, b and 1,995 more". */
        public String text() {
            return DeviceList.listed(shown, total);
        }
    }
}
