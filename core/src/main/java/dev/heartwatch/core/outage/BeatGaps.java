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
        Objects.requireNonNull(threshold, "threshold");
        long thresholdNanos = threshold.toNanos();
        SortedMap<String, DeviceSpan> spans = new TreeMap<>();
        List<Gap> gaps = new ArrayList<>();
        for (List<Beat> sorted : Beat.byDevice(beats, Beat.BY_AT).values()) {
            Beat first = sorted.get(0);
            Beat last = sorted.get(sorted.size() - 1);
            spans.put(first.device(), new DeviceSpan(first.device(), first.at(), last.at(), sorted.size(), last.stopping()));
            for (int i = 1; i < sorted.size(); i++) {
                Beat a = sorted.get(i - 1);
                Beat b = sorted.get(i);
                if (Gap.longerThan(a.at(), b.at(), thresholdNanos)) {
                    gaps.add(new Gap(a.device(), a.at(), b.at(), a.stopping()));
                }
            }
        }
        return new BeatGaps(spans, gaps);
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
