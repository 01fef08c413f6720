package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.BeatSchedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A silence between two consecutive heartbeats of one device, as a query that aggregates on the
 * server returns it (Application Insights {@code history-gaps.kql}): the history tool never sees
 * the beats themselves, only the gaps. Beats are reduced to gaps first ({@link BeatGaps}), so
 * beats and gaps go through the same code.
 *
 * <p><b>The one gap rule</b> (docs/history.md, "The rule"): a gap counts when it is long, closed
 * and longer than the threshold ({@code >}, as {@code history-gaps.kql} filters), or still open
 * and silent for at least the threshold by the horizon ({@code >=}, as the alert says DOWN). A
 * gap that counts is an outage, or a clean stop (unmonitored time) when the beat before it said
 * {@code stopping}. A gap that does not count is monitored time, and up.
 *
 * <p>The threshold is per gap: the schedule the beat before it carried (an agent's check sends its
 * {@code periodMs} and {@code graceMs}, issue 17) raises it to {@code period + grace}
 * ({@link BeatSchedule#outageGap}), so a check is judged by what it last promised; a beat without
 * one leaves the threshold as it is.
 *
 * @param lastBeat      receiver time of the beat before the gap
 * @param nextBeat      receiver time of the beat after it, or {@code null} while still silent
 * @param afterStopping the beat before the gap said {@code stopping}: a deliberate pause
 * @param schedule      the schedule the beat before the gap carried, or {@code null} (none)
 */
public record Gap(String device, Instant lastBeat, Instant nextBeat, boolean afterStopping, BeatSchedule schedule) {

    /** A gap after a beat that carried no schedule: judged by the threshold alone. */
    public Gap(String device, Instant lastBeat, Instant nextBeat, boolean afterStopping) {
        this(device, lastBeat, nextBeat, afterStopping, null);
    }

    public Gap {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(lastBeat, "lastBeat");
        if (nextBeat != null && nextBeat.isBefore(lastBeat)) {
            throw new IllegalArgumentException("gap of " + device + " ends before it starts");
        }
    }

    /**
     * Whether this gap counts under the rule above.
     *
     * @param horizon the latest instant the facts cover; {@code null}: an open gap never counts
     */
    public boolean counts(Duration threshold, Instant horizon) {
        long limit = limit(threshold).toNanos();
        if (nextBeat != null) {
            return nanosBetween(lastBeat, nextBeat) > limit;
        }
        return horizon != null && nanosBetween(lastBeat, horizon) >= limit;
    }

    /** The threshold this gap is judged by: {@code threshold}, raised by its beat's {@link #schedule}. */
    public Duration limit(Duration threshold) {
        return BeatSchedule.outageGap(threshold, schedule);
    }

    /** Whether a closed gap from {@code last} to {@code next} is long: {@code next - last > threshold}. */
    static boolean longerThan(Instant last, Instant next, long thresholdNanos) {
        return nanosBetween(last, next) > thresholdNanos;
    }

    /** {@code to - from} in nanoseconds without allocating (this runs once per beat). */
    private static long nanosBetween(Instant from, Instant to) {
        return (to.getEpochSecond() - from.getEpochSecond()) * 1_000_000_000L + (to.getNano() - from.getNano());
    }
}
