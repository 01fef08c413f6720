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

    /** Its fields in a ledger line: {@code id start end cause detail} (the detail escaped), then a newline. */
    void appendTo(StringBuilder line) {
        line.append(id).append(' ').append(start).append(' ').append(end).append(' ').append(cause.code())
                .append(' ').append(OutageLedger.escape(detail)).append('\n');
    }

    /** Reads what {@link #appendTo} wrote, from field {@code at} of a split ledger line. */
    static Outage read(String[] f, int at) {
        if (f.length != at + 5) {
            throw new IllegalArgumentException("malformed outage line");
        }
        return new Outage(f[at], Long.parseLong(f[at + 1]), Long.parseLong(f[at + 2]), Cause.fromCode(f[at + 3]),
                OutageLedger.unescape(f[at + 4]));
    }
}
