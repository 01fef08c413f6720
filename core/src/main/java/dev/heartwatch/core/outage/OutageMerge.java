package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.SilenceRule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Outages of every device, merged from what the cloud saw and what the agent reported.
 *
 * <p><b>Cloud gaps.</b> Two consecutive heartbeats {@code a, b} of a device (by receiver time)
 * make an outage when {@code b.at - a.at > threshold} and {@code a} did not say
 * {@code stopping} (a gap after a clean stop is a deliberate pause). It runs from
 * {@code a.at + heartbeatInterval} (the first beat that did not come) to {@code b.at}. When
 * {@code now} is given and the device's last beat did not say {@code stopping} and
 * {@code now - lastSeen >= threshold} (the rule says DOWN), an ongoing outage with
 * {@code end = null} is added.
 *
 * <p><b>Agent reports.</b> Deduplicated on {@code (device, id)}, the first seen kept (the
 * agent re-sends until acknowledged). Agent times are moved to the receiver's clock by adding
 * the report's skew ({@code ts - sentAt}) where known; it includes the request's transit time
 * (milliseconds to seconds), accepted as the price of one comparable clock. Without a skew the
 * agent's times are used as they are.
 *
 * <p><b>Merge rule.</b> Per device, intervals from both sources that overlap or touch are one
 * outage (the union: neither source can hide downtime the other saw):
 * <ul>
 *   <li>start: the earliest agent start, unless a cloud gap in the group starts more than one
 *       heartbeat interval before it (the agent missed the beginning, e.g. it was off): then
 *       the earliest cloud start. So the agent's exact time replaces the cloud's estimate
 *       ({@code lastSeen + interval}) when both describe the same beginning;</li>
 *   <li>end: the latest end; {@code null} if any part is ongoing;</li>
 *   <li>cause, detail, id: of the earliest-starting agent report; {@code unknown}, an empty
 *       detail and the cloud id when only the cloud saw it;</li>
 *   <li>source: {@link Source#BOTH} when both sources are in the group.</li>
 * </ul>
 * A report that contradicts the heartbeat lines (beats arrived during it: e.g. requests got
 * through but their replies were lost) is kept as reported: the agent's view of its own
 * connectivity stands.
 *
 * <p>Cost: beats grouped by device and sorted by time (O(n log n)), one pass, one object per
 * long gap (not per beat).
 */
public final class OutageMerge {

    private static final Comparator<Part> PART_ORDER =
            Comparator.comparing(Part::device).thenComparing(Part::start);

    private final Duration threshold;
    private final Duration heartbeatInterval;

    public OutageMerge(Duration threshold, Duration heartbeatInterval) {
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (threshold.isNegative() || threshold.isZero() || heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("threshold and heartbeatInterval must be positive");
        }
    }

    /** The merge with the rule's threshold and heartbeat interval. */
    public static OutageMerge of(SilenceRule rule) {
        return new OutageMerge(rule.threshold(), rule.heartbeatInterval());
    }

    /**
     * The merge over heartbeats: the beats are first reduced to their gaps ({@link BeatGaps}),
     * then merged by {@link #mergeGaps}, so beats and gaps take the same path.
     *
     * @param now the present, to include ongoing outages; {@code null} for closed outages only
     * @return merged outages, ordered by device then start; never overlapping per device
     */
    public List<Outage> merge(Collection<Beat> beats, Collection<ReportedOutage> reports, Instant now) {
        return mergeGaps(BeatGaps.of(beats, threshold).withOpenEnds(), reports, now);
    }

    /**
     * The merge from gaps, for a caller that only has the gaps (a query that aggregated on the
     * server). A gap is a cloud outage when it {@linkplain Gap#counts counts} by {@code now} and
     * did not follow a {@code stopping} beat: longer than the threshold when closed; an open gap
     * ({@code nextBeat == null}) is an ongoing outage when it has lasted at least the threshold
     * by {@code now}, and ignored when {@code now} is {@code null}. Gaps that do not count (a
     * query may return more) change nothing.
     */
    public List<Outage> mergeGaps(Collection<Gap> gaps, Collection<ReportedOutage> reports, Instant now) {
        List<Part> parts = new ArrayList<>();
        for (Gap g : gaps) {
            if (!g.afterStopping() && g.counts(threshold, now)) {
                parts.add(cloudPart(g.device(), g.lastBeat(), g.nextBeat()));
            }
        }
        addReports(reports, parts);
        return mergeParts(parts);
    }

    /** The threshold the gaps are judged by. */
    public Duration threshold() {
        return threshold;
    }

    private List<Outage> mergeParts(List<Part> parts) {
        parts.sort(PART_ORDER);
        List<Outage> out = new ArrayList<>();
        int i = 0;
        while (i < parts.size()) {
            Part first = parts.get(i);
            Instant groupEnd = first.end();
            int j = i + 1;
            while (j < parts.size()) {
                Part p = parts.get(j);
                if (!p.device().equals(first.device()) || groupEnd != null && p.start().isAfter(groupEnd)) {
                    break;
                }
                groupEnd = groupEnd == null || p.end() == null ? null : max(groupEnd, p.end());
                j++;
            }
            out.add(combine(parts.subList(i, j), groupEnd));
            i = j;
        }
        return out;
    }

    private Part cloudPart(String device, Instant lastSeen, Instant end) {
        Instant start = lastSeen.plus(heartbeatInterval);
        if (end != null && start.isAfter(end)) {
            start = end; // only when the interval exceeds the threshold (test configurations)
        }
        return new Part(device, start, end, null, "cloud:" + lastSeen.toEpochMilli());
    }

    private static void addReports(Collection<ReportedOutage> reports, List<Part> parts) {
        Set<String> seen = new HashSet<>();
        for (ReportedOutage r : reports) {
            if (seen.add(r.device() + '\u0000' + r.id())) {
                parts.add(new Part(r.device(), r.receiverStart(), r.receiverEnd(), r, r.id()));
            }
        }
    }

    private Outage combine(List<Part> group, Instant end) {
        Part firstAgent = null;
        Instant cloudStart = null;
        for (Part p : group) { // the group is sorted by start
            if (p.report() != null) {
                if (firstAgent == null) {
                    firstAgent = p;
                }
            } else if (cloudStart == null) {
                cloudStart = p.start();
            }
        }
        String device = group.get(0).device();
        if (firstAgent == null) {
            return new Outage(device, cloudStart, end, "unknown", "", Source.CLOUD, group.get(0).id());
        }
        Instant start = firstAgent.start();
        if (cloudStart != null && start.isAfter(cloudStart.plus(heartbeatInterval))) {
            start = cloudStart;
        }
        ReportedOutage r = firstAgent.report();
        return new Outage(device, start, end, r.cause(), r.detail(),
                cloudStart == null ? Source.AGENT : Source.BOTH, r.id());
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** One interval from one source; {@code report == null} for a cloud gap. */
    private record Part(String device, Instant start, Instant end, ReportedOutage report, String id) {
    }
}
