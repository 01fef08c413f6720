package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.DeviceSpan;
import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.OutageMerge;
import dev.heartwatch.core.outage.UptimeCalculator;
import dev.heartwatch.core.outage.RunBeat;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.DueRule;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one history model: outages and uptime of every device over a period, from the facts of
 * any store. The dashboard, the server's read side, {@code heartwatch history} (Application
 * Insights and server sources) and every report renderer call this and compute nothing of
 * their own.
 *
 * <ul>
 *   <li>Outages: {@link OutageMerge#mergeGaps} over the gaps (plus each device's open end) and
 *       the agents' reports, judged at the horizon {@code min(readTo, now)}; those that overlap
 *       the period are kept whole.</li>
 *   <li>Coverage: {@link Coverage#of}: from the first beat read, minus the clean stops that
 *       count (the one gap rule of {@link Gap#counts}).</li>
 *   <li>Each gap judged by the schedule the beat before it carried ({@link Gap#limit}: the
 *       threshold, or a check's {@code period + grace} when longer); a device whose latest beat
 *       raises the threshold has it in {@link History#ownThresholds}, for the reports.</li>
 *   <li>Uptime: {@link UptimeCalculator#over} over the period, each calendar day and each month
 *       of the zone (23 or 25 hours across a daylight-saving change), each clipped to the
 *       period.</li>
 *   <li>Runs on time, for a cron device ({@link RunsOnTime}, docs/history.md "Runs on time"):
 *       runs answered by a success within grace out of the runs its cron fired, in total and per
 *       day and month, from the beats the facts kept whole ({@link HistoryFacts#runBeats}). A
 *       device on a period keeps the time uptime above: its schedule is a heartbeat, and its
 *       silences are what the coverage rule already judges.</li>
 *   <li>Run durations: count, median and longest of the {@code durationMs} its successes
 *       carried in the period.</li>
 * </ul>
 */
public final class HistoryModel {

    private final OutageMerge merge;
    private final Duration threshold;
    private final DueRule dueRule;

    public HistoryModel(Duration threshold, Duration heartbeatInterval) {
        this(threshold, heartbeatInterval, DueRule.standard());
    }

    /** @param dueRule its early tolerance decides how early a beat counts for a cron run */
    public HistoryModel(Duration threshold, Duration heartbeatInterval, DueRule dueRule) {
        this.merge = new OutageMerge(threshold, heartbeatInterval);
        this.threshold = threshold;
        this.dueRule = Objects.requireNonNull(dueRule, "dueRule");
    }

    /** The model with the rule's threshold and heartbeat interval. */
    public static HistoryModel of(SilenceRule rule) {
        return new HistoryModel(rule.threshold(), rule.heartbeatInterval());
    }

    public Duration threshold() {
        return threshold;
    }

    /**
     * @param now the present: the facts cover nothing after {@code min(facts.readTo(), now)}
     */
    public History compute(HistoryFacts facts, HistoryPeriod period, Instant now) {
        return compute(facts, period, now, d -> null);
    }

    /**
     * @param schedules each device's schedule ({@code null}: not known, the device's history has
     *                  no schedule; see {@link #schedulesOf}); a cron device's runs on time are
     *                  counted from the facts' {@linkplain HistoryFacts#runBeats beats kept whole}
     */
    public History compute(HistoryFacts facts, HistoryPeriod period, Instant now, Function<String, Schedule> schedules) {
        Objects.requireNonNull(schedules, "schedules");
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(now, "now");
        Instant horizon = facts.readTo().isBefore(now) ? facts.readTo() : now;
        List<Gap> gaps = new ArrayList<>(facts.gaps());
        facts.devices().values().forEach(s -> gaps.add(s.openEnd()));
        List<Outage> outages = merge.mergeGaps(gaps, facts.reports(), horizon);

        Map<String, List<Gap>> gapsByDevice = new HashMap<>();
        for (Gap g : gaps) {
            gapsByDevice.computeIfAbsent(g.device(), d -> new ArrayList<>()).add(g);
        }
        Map<String, List<Outage>> inPeriod = new HashMap<>();
        TreeSet<String> names = new TreeSet<>(facts.devices().keySet());
        for (Outage o : outages) {
            names.add(o.device());
            if (period.overlaps(o.start(), o.end())) {
                inPeriod.computeIfAbsent(o.device(), d -> new ArrayList<>()).add(o);
            }
        }
        List<DeviceHistory> out = new ArrayList<>(names.size());
        SortedMap<String, Duration> ownThresholds = new TreeMap<>();
        for (String device : names) {
            DeviceSpan span = facts.devices().get(device);
            Duration own = span == null ? threshold : BeatSchedule.outageGap(threshold, span.lastSchedule());
            if (!own.equals(threshold)) {
                ownThresholds.put(device, own);
            }
            Coverage coverage = span == null ? null
                    : Coverage.of(span, gapsByDevice.getOrDefault(device, List.of()), threshold, horizon);
            List<Outage> mine = inPeriod.getOrDefault(device, List.of());
            Schedule schedule = schedules.apply(device);
            List<RunBeat> beats = facts.runBeats(device);
            CronRunHistory runs = schedule instanceof Schedule.Cron cron
                    ? RunsOnTime.count(cron, dueRule, beats, coverage, period, horizon) : null;
            // Calendar days and months of the zone, each clipped to the period.
            out.add(new DeviceHistory(device, span == null ? null : span.firstBeat(), span == null ? null : span.lastBeat(),
                    span == null ? 0 : span.beats(), coverage, mine,
                    UptimeCalculator.over(device, coverage, mine, period.since(), period.until(), horizon),
                    UptimeCalculator.perDay(device, coverage, mine, period.since(), period.until(), period.zone(), horizon),
                    UptimeCalculator.perMonth(device, coverage, mine, period.since(), period.until(), period.zone(), horizon),
                    horizon, schedule, runs, RunsOnTime.durations(beats, period, horizon)));
        }
        return new History(period, threshold, horizon, out, ownThresholds);
    }

    /**
     * Each device's schedule from a registry: its entry's, else {@link Schedule#DEFAULT}. One map
     * is built, so each look-up is O(1) (the registry's own {@code scheduleOf} scans the entries).
     */
    public static Function<String, Schedule> schedulesOf(DeviceRegistry registry) {
        Map<String, Schedule> byId = new HashMap<>();
        for (RegisteredDevice d : registry.devices()) {
            byId.put(d.id(), d.schedule());
        }
        return id -> byId.getOrDefault(id, Schedule.DEFAULT);
    }

    /** Whether the history of {@code device} needs its beats kept whole (a cron device). */
    public static boolean keepsBeats(Schedule schedule) {
        return schedule instanceof Schedule.Cron;
    }

}
