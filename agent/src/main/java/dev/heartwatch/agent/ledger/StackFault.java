package dev.heartwatch.agent.ledger;

import java.time.Instant;

/**
 * Fan-out (issue 18 section 2): one stack failed while another answered. Not an outage of
 * the home: it is kept apart from {@link Outage}s and reported, once that stack answers again,
 * only in the {@code note} of a beat to that stack (docs/agent.md "Fan-out").
 *
 * @param stack    the endpoint's label (never a key)
 * @param start    the first missed beat, epoch ms
 * @param end      the first beat it answered again, or {@link Outage#OPEN}
 * @param missed   beats it missed
 * @param answered the label of a stack that answered meanwhile
 */
public record StackFault(String stack, long start, long end, int missed, String answered) {
    public static final String CAUSE = "stack_unreachable";

    public boolean isOpen() {
        return end == Outage.OPEN;
    }

    /** What the beat's note says to the stack that missed these beats. */
    public String note() {
        return "missed " + missed + " beat" + (missed == 1 ? "" : "s") + " from " + Instant.ofEpochMilli(start)
                + " to " + Instant.ofEpochMilli(end) + " (" + CAUSE + "; " + answered + " answered)";
    }

    void appendTo(StringBuilder b) {
        b.append(OutageLedger.escape(stack)).append(' ').append(start).append(' ').append(end).append(' ')
                .append(missed).append(' ').append(OutageLedger.escape(answered)).append('\n');
    }

    static StackFault read(String[] f, int i) {
        return new StackFault(OutageLedger.unescape(f[i]), Long.parseLong(f[i + 1]), Long.parseLong(f[i + 2]),
                Integer.parseInt(f[i + 3]), OutageLedger.unescape(f[i + 4]));
    }
}
