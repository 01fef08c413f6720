package dev.heartwatch.agent.ledger;

import dev.heartwatch.agent.cause.Cause;

/**
 * One outage as the agent saw it, in its own clock (epoch ms).
 *
 * @param start first failed beat (for {@code agent_not_running}: the first beat that never happened)
 * @param end   first beat that succeeded again; {@link #OPEN} while it lasts
 */
public record Outage(String id, long start, long end, Cause cause, String detail) {
    static final long OPEN = -1;

    boolean isOpen() {
        return end == OPEN;
    }

    Outage closedAt(long endMs) {
        return new Outage(id, start, Math.max(start, endMs), cause, detail);
    }
}
