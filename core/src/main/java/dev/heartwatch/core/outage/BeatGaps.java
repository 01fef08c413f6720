package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.BeatSchedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Heartbeats reduced to what history needs of them: per device its span, and the closed gaps
 * between consecutive beats longer than the threshold, or than the {@code period + grace} the
 * beat before the gap carried when that is longer ({@link Gap#limit}) — exactly what {@code history-daily.kql}
 * and {@code history-gaps.kql} return. Every computation from beats (the merge, the coverage,
 * the server's history, the CLI) starts here, so beats and gaps take the very same path.
 *
 * <p>The beats of the devices the caller names (cron devices: history counts their runs on
 * time, docs/history.md "Runs on time") are also kept whole, as {@link RunBeat}s, and so is any
 * beat that carried a run's duration. The same pass does it: there is no second reduction.
 *
 * @param spans    per device, in device order
 * @param gaps     closed gaps longer than the threshold, ordered by device then {@code lastBeat}
 * @param runBeats per device, its beats kept whole, in time order (empty: none kept)
 */
public record BeatGaps(SortedMap<String, DeviceSpan> spans, List<Gap> gaps, SortedMap<String, List<RunBeat>> runBeats) {

    public BeatGaps {
        spans = new TreeMap<>(spans);
        gaps = List.copyOf(gaps);
        SortedMap<String, List<RunBeat>> kept = new TreeMap<>();
        runBeats.forEach((d, list) -> kept.put(d, List.copyOf(list)));
        runBeats = kept;
    }

    /** Spans and gaps with no beat kept whole. */
    public BeatGaps(SortedMap<String, DeviceSpan> spans, List<Gap> gaps) {
        this(spans, gaps, new TreeMap<>());
    }

    /** One sort of the beats by device and time, one pass, one object per long gap. */
    public static BeatGaps of(Collection<Beat> beats, Duration threshold) {
        return of(beats, threshold, d -> false);
    }

    /** {@link #of(Collection, Duration)}, keeping the beats of the devices {@code keepBeatsOf} names. */
    public static BeatGaps of(Collection<Beat> beats, Duration threshold, Predicate<String> keepBeatsOf) {
        Reducer reducer = new Reducer(threshold, keepBeatsOf);
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
        private final Duration threshold;
        private final long thresholdNanos;
        private final SortedMap<String, DeviceSpan> spans = new TreeMap<>();
        private final List<Gap> gaps = new ArrayList<>();
        private final Predicate<String> keepBeatsOf;
        private final Map<String, List<RunBeat>> runBeats = new HashMap<>();

        public Reducer(Duration threshold) {
            this(threshold, d -> false);
        }

        /**
         * @param keepBeatsOf the devices whose every beat is kept as a {@link RunBeat} (cron
         *                    devices); a beat of any device that carries a duration is kept too
         */
        public Reducer(Duration threshold, Predicate<String> keepBeatsOf) {
            this.threshold = Objects.requireNonNull(threshold, "threshold");
            this.thresholdNanos = threshold.toNanos();
            this.keepBeatsOf = Objects.requireNonNull(keepBeatsOf, "keepBeatsOf");
        }

        /**
         * Adds the next beat of its device with what its line said: {@code signal} from its
         * {@code state} ({@link Signal#ofState}), {@code durationMs} when it carried one.
         *
         * @throws IllegalArgumentException when it is earlier than that device's last beat added
         */
        public void add(Beat b, Signal signal, Long durationMs) {
            add(b, signal, durationMs, null);
        }

        /**
         * {@link #add(Beat, Signal, Long)} with the schedule its line carried ({@code periodMs} and
         * {@code graceMs}, read by {@link BeatSchedule#ofMillis}; {@code null}: none): the gap after
         * it is judged by {@link BeatSchedule#outageGap}.
         */
        public void add(Beat b, Signal signal, Long durationMs, BeatSchedule schedule) {
            addToSpan(b, schedule);
            if (durationMs != null || keepBeatsOf.test(b.device())) {
                runBeats.computeIfAbsent(b.device(), d -> new ArrayList<>()).add(new RunBeat(b.at(), signal, durationMs));
            }
        }

        /**
         * Adds the next beat of its device.
         *
         * @throws IllegalArgumentException when it is earlier than that device's last beat added
         */
        public void add(Beat b) {
            if (keepBeatsOf.test(b.device())) {
                add(b, b.stopping() ? Signal.STOPPING : Signal.SUCCESS, null);
            } else {
                addToSpan(b, null);
            }
        }

        /** {@link #add(Beat)} without keeping it whole (what a v1 line, state only, gives). */
        private void addToSpan(Beat b, BeatSchedule schedule) {
            DeviceSpan span = spans.get(b.device());
            if (span == null) {
                spans.put(b.device(), new DeviceSpan(b.device(), b.at(), b.at(), 1, b.stopping(), schedule));
                return;
            }
            if (b.at().isBefore(span.lastBeat())) {
                throw new IllegalArgumentException("beats of " + b.device() + " out of time order: "
                        + b.at() + " after " + span.lastBeat());
            }
            BeatSchedule before = span.lastSchedule();
            long limit = before == null ? thresholdNanos : before.outageGap(threshold).toNanos();
            if (Gap.longerThan(span.lastBeat(), b.at(), limit)) {
                gaps.add(new Gap(b.device(), span.lastBeat(), b.at(), span.lastStopping(), before));
            }
            spans.put(b.device(), new DeviceSpan(b.device(), span.firstBeat(), b.at(), span.beats() + 1, b.stopping(),
                    schedule));
        }

        public BeatGaps result() {
            List<Gap> ordered = new ArrayList<>(gaps);
            ordered.sort(java.util.Comparator.comparing(Gap::device).thenComparing(Gap::lastBeat));
            SortedMap<String, List<RunBeat>> kept = new TreeMap<>(runBeats);
            return new BeatGaps(spans, ordered, kept);
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
