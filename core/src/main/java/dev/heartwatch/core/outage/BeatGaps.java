package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Heartbeats reduced to what history needs of them: per device its span, and the closed gaps
 * longer than the threshold between consecutive beats — exactly what {@code history-daily.kql}
 * and {@code history-gaps.kql} return. Every computation from beats (the merge, the coverage,
 * the server's history, the CLI) starts here, so beats and gaps take the very same path.
 *
 * @param spans per device, in device order
 * @param gaps  closed gaps longer than the threshold, ordered by device then {@code lastBeat}
 */
public record BeatGaps(SortedMap<String, DeviceSpan> spans, List<Gap> gaps) {

    public BeatGaps {
        spans = new TreeMap<>(spans);
        gaps = List.copyOf(gaps);
    }

    /** One sort of the beats by device and time, one pass, one object per long gap. */
    public static BeatGaps of(Collection<Beat> beats, Duration threshold) {
        Reducer reducer = new Reducer(threshold);
        for (List<Beat> sorted : Beat.byDevice(beats, Beat.BY_AT).values()) {
            sorted.forEach(reducer::add);
        }
        return reducer.result();
    }

    /**
     * The same reduction over a stream in time order per device (a server's lines come ordered
     * by time): it holds one span per device and the long gaps, never the beats, so a month of
     * many devices is read in the memory of its outages.
     */
    public static final class Reducer {
        private final long thresholdNanos;
        private final SortedMap<String, DeviceSpan> spans = new TreeMap<>();
        private final List<Gap> gaps = new ArrayList<>();

        public Reducer(Duration threshold) {
            this.thresholdNanos = Objects.requireNonNull(threshold, "threshold").toNanos();
        }

        /**
         * Adds the next beat of its device.
         *
         * @throws IllegalArgumentException when it is earlier than that device's last beat added
         */
        public void add(Beat b) {
            DeviceSpan span = spans.get(b.device());
            if (span == null) {
                spans.put(b.device(), new DeviceSpan(b.device(), b.at(), b.at(), 1, b.stopping()));
                return;
            }
            if (b.at().isBefore(span.lastBeat())) {
                throw new IllegalArgumentException("beats of " + b.device() + " out of time order: "
                        + b.at() + " after " + span.lastBeat());
            }
            if (Gap.longerThan(span.lastBeat(), b.at(), thresholdNanos)) {
                gaps.add(new Gap(b.device(), span.lastBeat(), b.at(), span.lastStopping()));
            }
            spans.put(b.device(), new DeviceSpan(b.device(), span.firstBeat(), b.at(), span.beats() + 1, b.stopping()));
        }

        public BeatGaps result() {
            List<Gap> ordered = new ArrayList<>(gaps);
            ordered.sort(java.util.Comparator.comparing(Gap::device).thenComparing(Gap::lastBeat));
            return new BeatGaps(spans, ordered);
        }
    }

    /** The gaps plus, per device, the open one after its last beat. */
    public List<Gap> withOpenEnds() {
        List<Gap> all = new ArrayList<>(gaps);
        for (DeviceSpan s : spans.values()) {
            all.add(s.openEnd());
        }
        return all;
    }
}
