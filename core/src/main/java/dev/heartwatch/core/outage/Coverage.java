package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * When a device was being watched: from its first heartbeat on, except while deliberately
 * stopped (from a {@code stopping} beat to its next beat). Time outside is neither up nor down:
 * it counts in no uptime figure.
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

    /** Every device's coverage from its heartbeats: one sort, one pass. */
    public static Map<String, Coverage> fromBeats(Collection<Beat> beats) {
        Beat[] sorted = beats.toArray(new Beat[0]);
        Arrays.sort(sorted, Comparator.comparing(Beat::device).thenComparing(Beat::at));
        Map<String, Coverage> out = new TreeMap<>();
        int i = 0;
        while (i < sorted.length) {
            String device = sorted[i].device();
            Instant first = sorted[i].at();
            List<Stop> stops = new ArrayList<>();
            int j = i;
            for (; j < sorted.length && sorted[j].device().equals(device); j++) {
                Beat b = sorted[j];
                if (b.stopping()) {
                    boolean hasNext = j + 1 < sorted.length && sorted[j + 1].device().equals(device);
                    Instant resumed = hasNext ? sorted[j + 1].at() : null;
                    if (resumed == null || resumed.isAfter(b.at())) {
                        stops.add(new Stop(b.at(), resumed));
                    }
                }
            }
            out.put(device, new Coverage(device, first, stops));
            i = j;
        }
        return out;
    }
}
