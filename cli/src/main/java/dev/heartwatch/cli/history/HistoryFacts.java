package dev.heartwatch.cli.history;

import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The facts a history is computed from, whichever store they came from: per device its span,
 * the gaps longer than the threshold between consecutive beats, and the agents' outage
 * reports, all read over {@code [readFrom, readTo)} (wider than the period, so an outage that
 * crosses its edges is seen whole).
 */
public record HistoryFacts(Instant readFrom, Instant readTo, SortedMap<String, DeviceSpan> devices,
    List<Gap> gaps, List<ReportedOutage> reports) {

  public HistoryFacts {
    devices = new TreeMap<>(devices);
    gaps = gaps.stream()
        .sorted(Comparator.comparing(Gap::device).thenComparing(Gap::lastBeat))
        .toList();
    reports = List.copyOf(reports);
  }

  /**
   * The facts from the beats themselves (the server's store, the benchmark): the same gaps
   * {@code history-gaps.kql} returns, the same spans {@code history-daily.kql} gives.
   */
  public static HistoryFacts fromBeats(Instant readFrom, Instant readTo, Collection<Beat> beats,
      List<ReportedOutage> reports, Duration threshold) {
    SortedMap<String, DeviceSpan> spans = new TreeMap<>();
    List<Gap> gaps = new ArrayList<>();
    long thresholdMillis = threshold.toMillis();
    for (List<Beat> sorted : Beat.byDevice(beats, Beat.BY_AT).values()) {
      Beat first = sorted.get(0);
      Beat last = sorted.get(sorted.size() - 1);
      spans.put(first.device(), new DeviceSpan(first.device(), first.at(), last.at(), sorted.size(), last.stopping()));
      for (int i = 1; i < sorted.size(); i++) {
        Beat a = sorted.get(i - 1);
        Beat b = sorted.get(i);
        if (b.at().toEpochMilli() - a.at().toEpochMilli() > thresholdMillis) {
          gaps.add(new Gap(a.device(), a.at(), b.at(), a.stopping()));
        }
      }
    }
    return new HistoryFacts(readFrom, readTo, spans, gaps, reports);
  }

  public boolean isEmpty() {
    return devices.isEmpty() && reports.isEmpty();
  }

  /** The gaps plus, per device, the open one after its last beat (an outage if long enough by {@code readTo}). */
  public List<Gap> gapsWithOpenEnds() {
    List<Gap> all = new ArrayList<>(gaps);
    for (DeviceSpan s : devices.values()) {
      all.add(new Gap(s.device(), s.lastBeat(), null, s.lastStopping()));
    }
    return all;
  }

  /**
   * When each device was watched: from its first beat read, minus its clean stops (a gap after
   * a {@code stopping} beat, and the time after a last beat that said {@code stopping}).
   * A stop shorter than the threshold is not in the gaps, and counts as watched time (up).
   */
  public Map<String, Coverage> coverage() {
    Map<String, Coverage> out = new TreeMap<>();
    for (DeviceSpan s : devices.values()) {
      List<Coverage.Stop> stops = new ArrayList<>();
      for (Gap g : gaps) {
        if (g.device().equals(s.device()) && g.afterStopping()) {
          stops.add(new Coverage.Stop(g.lastBeat(), g.nextBeat()));
        }
      }
      if (s.lastStopping()) {
        stops.add(new Coverage.Stop(s.lastBeat(), null));
      }
      out.put(s.device(), new Coverage(s.device(), s.firstBeat(), stops));
    }
    return out;
  }
}
