package dev.heartwatch.core.rule;

import java.time.Instant;

/**
 * What a store knows of one device's start and fail signals (contract v2, issue 16 §5), beside
 * its {@link DeviceFacts}: the receiver times of its last success ({@code running}), last
 * {@code start} and last {@code fail}, each {@code null} when it never sent one, and the exit
 * status the last fail carried. A device that never sent either signal has {@link #none}, and
 * is judged exactly as before contract v2.
 *
 * @param lastSuccess    its last {@code running} beat
 * @param lastStart      its last {@code start} beat
 * @param lastFail       its last {@code fail} beat
 * @param failExitStatus the exit status of that fail (0 to 255), {@code null} when it sent none
 */
public record RunSignals(Instant lastSuccess, Instant lastStart, Instant lastFail, Integer failExitStatus) {

    private static final RunSignals NONE = new RunSignals(null, null, null, null);

    public RunSignals {
        if (lastFail == null && failExitStatus != null) {
            throw new IllegalArgumentException("an exit status comes with a fail");
        }
    }

    /** A device that never signalled start or fail (every v1 sender). */
    public static RunSignals none() {
        return NONE;
    }

    /** A fail with no success after it: the device is DOWN at {@link #lastFail} until its next success. */
    public boolean failOpen() {
        return lastFail != null && (lastSuccess == null || lastFail.isAfter(lastSuccess));
    }

    /** A start with no success and no fail after it: a run is open since {@link #lastStart}. */
    public boolean runOpen() {
        return lastStart != null && (lastSuccess == null || lastStart.isAfter(lastSuccess))
                && (lastFail == null || lastStart.isAfter(lastFail));
    }

    /** "failed (exit status N)", or "failed" when the fail carried none: the DOWN mail's words. */
    public String failText() {
        return failExitStatus == null ? "failed" : "failed (exit status " + failExitStatus + ")";
    }
}
