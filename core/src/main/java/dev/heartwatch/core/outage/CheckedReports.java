package dev.heartwatch.core.outage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Agent reports as a reader counts them once {@link ReportCheck} has judged each, and the verdict
 * a message shows beside the merged outage. The server judges a report when it stores it and reads
 * the verdict back ({@code LineRepository}); Azure's Notify judges the reports it reads from
 * Application Insights against the beats of the same query ({@link #inWindow}). Both count a
 * report the same way ({@link #counted}) and show the same verdict ({@link #shownFor}).
 */
public final class CheckedReports {
    private final List<ReportedOutage> counted;
    private final Map<String, ReportClip> verdicts;

    private CheckedReports(List<ReportedOutage> counted, Map<String, ReportClip> verdicts) {
        this.counted = List.copyOf(counted);
        this.verdicts = Map.copyOf(verdicts);
    }

    /**
     * Each report judged by {@link ReportCheck#checkInWindow} against {@code beats}, the beats of
     * a window: the window's earliest beat is not taken for the device's first (a query over a
     * range cannot prove that nothing came before it), so no report is clipped or rejected for
     * beginning before it.
     *
     * @param reports   the reports, the first of each id kept (later repeats are ignored)
     * @param arrivedAt the receiver time of the line that carried each report; a report it has no
     *                  time for is taken as arriving at its own end (no after-arrival clip)
     */
    public static CheckedReports inWindow(List<ReportedOutage> reports, Function<ReportedOutage, Instant> arrivedAt,
                                          ReportCheck.BeatRecord beats) {
        List<ReportedOutage> counted = new ArrayList<>();
        Map<String, ReportClip> verdicts = new HashMap<>();
        for (ReportedOutage r : reports) {
            if (verdicts.containsKey(r.id())) {
                continue;
            }
            Instant arrived = arrivedAt.apply(r);
            ReportClip clip = ReportCheck.checkInWindow(r.receiverStart(), r.receiverEnd(),
                    arrived == null ? r.receiverEnd() : arrived, beats);
            verdicts.put(r.id(), clip);
            counted(r, clip).ifPresent(counted::add);
        }
        return new CheckedReports(counted, verdicts);
    }

    /** The reports as counted: clipped ones with their clipped interval, rejected ones left out. */
    public List<ReportedOutage> counted() {
        return counted;
    }

    /** The verdict on the report with this agent id, if there was one. */
    public Optional<ReportClip> verdict(String outageId) {
        return Optional.ofNullable(verdicts.get(outageId));
    }

    /**
     * A report as counted under its verdict: the clipped interval moved back to the agent's clock
     * (so the report's own skew gives the clipped receiver times again); empty when rejected.
     */
    public static Optional<ReportedOutage> counted(ReportedOutage r, ReportClip clip) {
        if (clip == null || clip.reason() == ReportClip.Reason.NONE) {
            return Optional.of(r);
        }
        if (clip.rejected()) {
            return Optional.empty();
        }
        Instant start = r.skew() == null ? clip.start() : clip.start().minus(r.skew());
        Instant end = r.skew() == null ? clip.end() : clip.end().minus(r.skew());
        return Optional.of(new ReportedOutage(r.device(), r.id(), start, end, r.cause(), r.detail(), r.skew()));
    }

    /**
     * The verdict a message states beside a merged outage: that of the report the merge kept
     * (the outage's id), when the agent measured it and it was clipped; else null. A CLOUD
     * outage has no report behind it.
     */
    public static ReportClip shownFor(Outage outage, Function<String, Optional<ReportClip>> verdictOf) {
        if (outage == null || outage.source() == Source.CLOUD) {
            return null;
        }
        return verdictOf.apply(outage.id()).filter(ReportClip::clipped).orElse(null);
    }
}
