package dev.heartwatch.core.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent's outage report believed only as far as the server's own record allows
 * (docs/alerting.md, "Reports checked against the record"). On the receiver's clock, with
 * {@link #SKEW_BOUND} of slack for clocks and transit:
 * <ul>
 *   <li>it cannot begin before the device's first beat: it begins there, and one that ended
 *       before that beat (or less than a second after it) is rejected: nobody was watching;</li>
 *   <li>it cannot cross a beat the server received: it begins at the last beat heard during it.
 *       The end is kept, because the agent closes an outage on its first beat that got through,
 *       which is the best-attested instant of the report;</li>
 *   <li>it cannot end after the report arrived: it ends at the arrival.</li>
 * </ul>
 * A short outage between two beats crosses none and stays whole: the agent sees drops the beats
 * cannot. A rejected report is kept by the store as said, only not counted.
 */
public final class ReportCheck {

    /**
     * Slack for the receiver's and the agent's clocks and the request's transit: a beat within
     * this of either end of a report does not contradict it, nor does a start this much before
     * the first beat. The skew correction ({@code ts - sentAt}) already includes transit, so a
     * few seconds would do; 30 s also covers an agent that sent no {@code sentAt}.
     */
    public static final Duration SKEW_BOUND = Duration.ofSeconds(30);

    /**
     * What is left of a report that began before the first beat is dropped when shorter than
     * this: the agent's first success and the first beat are one instant seen by two clocks.
     */
    static final Duration NOISE = Duration.ofSeconds(1);

    /** The store's beats of the device being checked. */
    @FunctionalInterface
    public interface BeatRecord {
        /** The latest beat received strictly between {@code after} and {@code before}, if any. */
        Optional<Instant> latestBeatBetween(Instant after, Instant before);

        /** A record held in memory: these beats, in any order. */
        static BeatRecord of(Collection<Instant> beats) {
            List<Instant> sorted = new ArrayList<>(beats);
            Collections.sort(sorted);
            return (after, before) -> {
                int i = Collections.binarySearch(sorted, before);
                // The last index strictly before 'before' (an exact hit is excluded: strictly between).
                int last = (i >= 0 ? i : -i - 1) - 1;
                while (last >= 0 && !sorted.get(last).isBefore(before)) {
                    last--;
                }
                return last >= 0 && sorted.get(last).isAfter(after) ? Optional.of(sorted.get(last)) : Optional.empty();
            };
        }
    }

    private ReportCheck() {
    }

    /**
     * @param start     the report's start on the receiver's clock
     * @param end       the report's end on the receiver's clock
     * @param arrivedAt receiver time of the request that carried it
     * @param firstBeat the device's first beat the server received, {@code null} if none
     * @param beats     the device's beats
     */
    public static ReportClip check(Instant start, Instant end, Instant arrivedAt, Instant firstBeat, BeatRecord beats) {
        return check(start, end, arrivedAt, firstBeat, true, beats);
    }

    /**
     * {@link #check} against a record that is only a window of the device's beats (a query over
     * a time range, as Azure's Notify reads Application Insights): its earliest beat is not the
     * device's first, so the first-beat rule is not applied and the report is never rejected for
     * it. The other rules hold as far as the window reaches: a beat before the window is not
     * seen, so a report may be clipped less than the server would clip it, never more.
     */
    public static ReportClip checkInWindow(Instant start, Instant end, Instant arrivedAt, BeatRecord beats) {
        return check(start, end, arrivedAt, null, false, beats);
    }

    private static ReportClip check(Instant start, Instant end, Instant arrivedAt, Instant firstBeat, boolean firstBeatKnown,
                                    BeatRecord beats) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(arrivedAt, "arrivedAt");
        Objects.requireNonNull(beats, "beats");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("a report that ends before it starts says nothing");
        }
        if (firstBeatKnown && firstBeat == null) {
            return rejected(start, end, ReportClip.Reason.NEVER_HEARD, null);
        }
        ReportClip.Reason reason = ReportClip.Reason.NONE;
        Instant heardAt = null;
        Instant e = end;
        if (e.isAfter(arrivedAt.plus(SKEW_BOUND))) {
            if (start.isAfter(arrivedAt.plus(SKEW_BOUND))) {
                return rejected(start, end, ReportClip.Reason.IN_THE_FUTURE, null);
            }
            e = arrivedAt;
            reason = ReportClip.Reason.AFTER_ARRIVAL;
        }
        Instant s = start;
        if (firstBeat != null && s.isBefore(firstBeat.minus(SKEW_BOUND))) {
            if (Duration.between(firstBeat, e).compareTo(NOISE) < 0) {
                return rejected(start, end, ReportClip.Reason.BEFORE_FIRST_BEAT, firstBeat);
            }
            s = firstBeat;
            reason = ReportClip.Reason.FIRST_BEAT;
            heardAt = firstBeat;
        }
        Instant after = s.plus(SKEW_BOUND);
        Instant before = e.minus(SKEW_BOUND);
        if (before.isAfter(after)) {
            Optional<Instant> heard = beats.latestBeatBetween(after, before);
            if (heard.isPresent()) {
                s = heard.get();
                reason = ReportClip.Reason.HEARD_DURING;
                heardAt = s;
            }
        }
        if (s.isAfter(e)) {
            s = e; // a start within the bound after an end clipped to the arrival
        }
        return new ReportClip(start, end, s, e, reason, heardAt);
    }

    private static ReportClip rejected(Instant start, Instant end, ReportClip.Reason reason, Instant heardAt) {
        return new ReportClip(start, end, null, null, reason, heardAt);
    }
}
