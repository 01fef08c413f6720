package dev.heartwatch.core.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One {@code [heartbeat]} line as the rule sees it.
 *
 * @param device     sanitised device id
 * @param at         the receiver's clock ({@code ts} of the line): when the beat arrived
 * @param ingestedAt when the line became queryable (Application Insights {@code ingestion_time()});
 *                   equal to {@code at} for the self-hosted server, later in Azure
 * @param stopping   the line's {@code state} was {@code stopping}: a clean shutdown, not an outage
 */
public record Beat(String device, Instant at, Instant ingestedAt, boolean stopping) {

    public Beat {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(ingestedAt, "ingestedAt");
    }

    /** A beat that was queryable the moment it arrived (the embedded server's store). */
    public static Beat of(String device, Instant at) {
        return new Beat(device, at, at, false);
    }

    /** A clean-shutdown beat ({@code state: stopping}), queryable at once. */
    public static Beat stopping(String device, Instant at) {
        return new Beat(device, at, at, true);
    }

    /**
     * The first instant a query can see this beat: its ingestion, but never before it
     * arrived (clocks of the receiver and the ingestion pipeline may disagree by a few ms).
     */
    public Instant visibleFrom() {
        return ingestedAt.isAfter(at) ? ingestedAt : at;
    }

    /** Receiver time order. */
    public static final Comparator<Beat> BY_AT = Comparator.comparing(Beat::at);
    /** Query visibility order. */
    public static final Comparator<Beat> BY_VISIBLE_FROM = Comparator.comparing(Beat::visibleFrom);

    /**
     * The beats grouped by device (devices in order), each group sorted by {@code order}.
     * Grouping by hash first keeps the sort to cheap time comparisons: O(n log n), and no
     * allocation per beat beyond the lists' growth.
     */
    public static SortedMap<String, List<Beat>> byDevice(Collection<Beat> beats, Comparator<Beat> order) {
        Map<String, List<Beat>> groups = new HashMap<>();
        for (Beat b : beats) {
            groups.computeIfAbsent(b.device(), d -> new ArrayList<>()).add(b);
        }
        SortedMap<String, List<Beat>> out = new TreeMap<>();
        for (Map.Entry<String, List<Beat>> e : groups.entrySet()) {
            e.getValue().sort(order);
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
