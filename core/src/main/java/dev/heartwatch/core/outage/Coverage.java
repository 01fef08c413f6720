package dev.heartwatch.core.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * When a device was being watched: from its first heartbeat on, except while deliberately
 * stopped. A stop is a gap after a {@code stopping} beat that {@linkplain Gap#counts counts}:
 * longer than the threshold when closed, at least the threshold by the horizon when still open.
 * A shorter clean stop (a quick restart) is watched time, and up, the same as a short silence.
 * Time outside is neither up nor down: it counts in no uptime figure. The rule is chosen so that
 * it gives the same figure from the beats and from {@code history-gaps.kql}, which returns only
 * gaps longer than the threshold (docs/history.md, "The rule").
 *
 * @param firstSeen receiver time of the first heartbeat
 * @param stopped   the stopped periods, ordered and disjoint; the last may have {@code end == null}
 *                  (still stopped)
 */
public record Coverage(String device, Instant firstSeen, List<Stop> stopped) {

    /** A deliberate stop: from the {@code stopping} beat to the next beat ({@code null}: still stopped). */
    public record Stop(Instant start, Instant end) {
        public Stop {
            Objects.requireNonNull(start, "start");
        }
    }

    public Coverage {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(firstSeen, "firstSeen");
        stopped = List.copyOf(stopped);
    }

    /**
     * The coverage of one device.
     *
     * @param gaps    gaps of any device (only {@code span}'s are used), closed or open; the open
     *                end after the span's last beat is added when missing
     * @param horizon the latest instant the facts cover, for the open end
     */
    public static Coverage of(DeviceSpan span, Collection<Gap> gaps, Duration threshold, Instant horizon) {
        List<Gap> mine = new ArrayList<>();
        boolean openEnd = false;
        for (Gap g : gaps) {
            if (g.device().equals(span.device())) {
                mine.add(g);
                openEnd |= g.nextBeat() == null;
            }
        }
        if (!openEnd) {
            mine.add(span.openEnd());
        }
        mine.sort(Comparator.comparing(Gap::lastBeat));
        List<Stop> stops = new ArrayList<>();
        for (Gap g : mine) {
            if (g.afterStopping() && g.counts(threshold, horizon)) {
                stops.add(new Stop(g.lastBeat(), g.nextBeat()));
            }
        }
        return new Coverage(span.device(), span.firstBeat(), stops);
    }

    /**
     * The old rule (every clean stop unmonitored, however short), kept only until the server's
     * read side moves to {@link dev.heartwatch.core.history.HistoryModel} in the same branch.
     *
     * @deprecated use {@link #of}; this disagrees with it on stops no longer than the threshold
     */
    @Deprecated(forRemoval = true)
    public static java.util.Map<String, Coverage> fromBeats(Collection<dev.heartwatch.core.rule.Beat> beats) {
        java.util.Map<String, Coverage> out = new java.util.TreeMap<>();
        for (List<dev.heartwatch.core.rule.Beat> sorted
                : dev.heartwatch.core.rule.Beat.byDevice(beats, dev.heartwatch.core.rule.Beat.BY_AT).values()) {
            List<Stop> stops = new ArrayList<>();
            for (int j = 0; j < sorted.size(); j++) {
                dev.heartwatch.core.rule.Beat b = sorted.get(j);
                if (b.stopping()) {
                    Instant resumed = j + 1 < sorted.size() ? sorted.get(j + 1).at() : null;
                    if (resumed == null || resumed.isAfter(b.at())) {
                        stops.add(new Stop(b.at(), resumed));
                    }
                }
            }
            out.put(sorted.get(0).device(), new Coverage(sorted.get(0).device(), sorted.get(0).at(), stops));
        }
        return out;
    }
}
