package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.BeatGaps;
import dev.heartwatch.core.outage.DeviceSpan;
import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.outage.RunBeat;
import dev.heartwatch.core.rule.Beat;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The facts a history is computed from, whichever store they came from: per device its span,
 * the closed gaps between consecutive beats, and the agents' outage reports, all read over
 * {@code [readFrom, readTo)} (wider than the period, so an outage that crosses its edges is seen
 * whole). Gaps shorter than the threshold may be left out (the query does): they change nothing.
 *
 * @param devices per device its span over the range read
 * @param gaps    closed gaps ({@code nextBeat != null}); the open one after each device's last
 *                beat comes from its span
 * @param runBeats per device, the beats kept whole over the range read, in time order: every beat
 *                of a cron device (its runs on time, docs/history.md) and any beat that carried a
 *                run's duration; devices without any are absent
 */
public record HistoryFacts(Instant readFrom, Instant readTo, SortedMap<String, DeviceSpan> devices,
                           List<Gap> gaps, List<ReportedOutage> reports, SortedMap<String, List<RunBeat>> runBeats) {

    /** Facts without any beat kept whole (no cron device, no duration). */
    public HistoryFacts(Instant readFrom, Instant readTo, SortedMap<String, DeviceSpan> devices,
                        List<Gap> gaps, List<ReportedOutage> reports) {
        this(readFrom, readTo, devices, gaps, reports, new TreeMap<>());
    }

    public HistoryFacts {
        Objects.requireNonNull(readFrom, "readFrom");
        Objects.requireNonNull(readTo, "readTo");
        if (readTo.isBefore(readFrom)) {
            throw new IllegalArgumentException("read range ends before it starts: " + readFrom + " .. " + readTo);
        }
        devices = new TreeMap<>(devices);
        for (Gap g : gaps) {
            if (g.nextBeat() == null) {
                throw new IllegalArgumentException("open gap of " + g.device() + ": open ends come from the spans");
            }
        }
        gaps = gaps.stream().sorted(Comparator.comparing(Gap::device).thenComparing(Gap::lastBeat)).toList();
        reports = List.copyOf(reports);
        SortedMap<String, List<RunBeat>> kept = new TreeMap<>();
        runBeats.forEach((d, list) -> kept.put(d,
                list.stream().sorted(Comparator.comparing(RunBeat::at)).toList()));
        runBeats = Collections.unmodifiableSortedMap(kept);
    }

    /** The beats of {@code device} kept whole, in time order (empty: none kept). */
    public List<RunBeat> runBeats(String device) {
        return runBeats.getOrDefault(device, List.of());
    }

    /**
     * The facts from the beats themselves (the server's store): reduced by {@link BeatGaps} to
     * the same gaps {@code history-gaps.kql} returns and the same spans {@code history-daily.kql}
     * gives, so what follows is the very code the gaps take.
     */
    public static HistoryFacts fromBeats(Instant readFrom, Instant readTo, Collection<Beat> beats,
                                         Collection<ReportedOutage> reports, Duration threshold) {
        return fromBeatGaps(readFrom, readTo, BeatGaps.of(beats, threshold), reports);
    }

    /** The facts from beats already reduced (a stream read through {@link BeatGaps.Reducer}). */
    public static HistoryFacts fromBeatGaps(Instant readFrom, Instant readTo, BeatGaps reduced,
                                            Collection<ReportedOutage> reports) {
        return new HistoryFacts(readFrom, readTo, reduced.spans(), reduced.gaps(), List.copyOf(reports), reduced.runBeats());
    }

    /** The facts from gaps and spans (Application Insights' history queries). */
    public static HistoryFacts fromGaps(Instant readFrom, Instant readTo, Collection<DeviceSpan> spans,
                                        Collection<Gap> gaps, Collection<ReportedOutage> reports) {
        return fromGaps(readFrom, readTo, spans, gaps, reports, Map.of());
    }

    /**
     * The facts from gaps and spans, with the beats kept whole of the devices that need them
     * (a cron device's beats, read apart: they are few).
     */
    public static HistoryFacts fromGaps(Instant readFrom, Instant readTo, Collection<DeviceSpan> spans,
                                        Collection<Gap> gaps, Collection<ReportedOutage> reports,
                                        Map<String, List<RunBeat>> runBeats) {
        SortedMap<String, DeviceSpan> byDevice = new TreeMap<>();
        for (DeviceSpan s : spans) {
            byDevice.merge(s.device(), s, DeviceSpan::join);
        }
        return new HistoryFacts(readFrom, readTo, byDevice, List.copyOf(gaps), List.copyOf(reports), new TreeMap<>(runBeats));
    }

    public boolean isEmpty() {
        return devices.isEmpty() && reports.isEmpty();
    }
}
