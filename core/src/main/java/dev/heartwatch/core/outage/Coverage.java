package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
        Map<String, Coverage> out = new TreeMap<>();
        for (List<Beat> sorted : Beat.byDevice(beats, Beat.BY_AT).values()) {
            String device = sorted.get(0).device();
            List<Stop> stops = new ArrayList<>();
            for (int j = 0; j < sorted.size(); j++) {
                Beat b = sorted.get(j);
                if (b.stopping()) {
                    Instant resumed = j + 1 < sorted.size() ? sorted.get(j + 1).at() : null;
                    if (resumed == null || resumed.isAfter(b.at())) {
                        stops.add(new Stop(b.at(), resumed));
                    }
                }
            }
            out.put(device, new Coverage(device, sorted.get(0).at(), stops));
        }
        return out;
    }
}
