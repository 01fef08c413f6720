package dev.heartwatch.server.store;

import dev.heartwatch.core.history.CronRunHistory;
import dev.heartwatch.core.history.History;
import dev.heartwatch.core.history.HistoryFacts;
import dev.heartwatch.core.history.HistoryModel;
import dev.heartwatch.core.history.HistoryPeriod;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.core.history.RunDurations;
import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.DeviceSpan;
import dev.heartwatch.core.outage.Gap;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.outage.RunBeat;
import dev.heartwatch.core.outage.Signal;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.outage.UptimeCalculator;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.alert.BeatSchedules;
import dev.heartwatch.core.schedule.ScheduledRule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The read side for the dashboard and reports: live status, merged outages and uptime of one
 * device (or of all) over a period. The facts are the {@linkplain BeatRuns beat runs} (their
 * spans and the gaps between them) and the agents' reports that overlap the period; core's
 * {@link HistoryModel} turns them into outages and uptime, the same code the CLI runs on
 * Application Insights' gaps. No raw beat is read: a month of a thousand devices is a few
 * rows per outage.
 */
public final class DeviceHistory {
    private final HeartwatchStore store;
    private final SilenceRule rule;
    private final HistoryModel model;
    private final ScheduledRule scheduled;

    public DeviceHistory(HeartwatchStore store, SilenceRule rule) {
        this.store = store;
        this.rule = rule;
        this.model = HistoryModel.of(rule);
        this.scheduled = ScheduledRule.of(rule);
    }

    public SilenceRule rule() {
        return rule;
    }

    /**
     * The status the rule gives the device at {@code now} on the default schedule, its start and
     * fail signals included (what the next evaluation records for a device without a registry
     * schedule; the evaluator also reads the registry, which this does not, to stay free of a
     * query per device).
     */
    public DeviceStatus status(DeviceRecord device, Instant now) {
        return status(device, null, now);
    }

    /**
     * The status on the schedule the evaluator judges the device by: {@code registered} when it
     * names one (its registry entry), else a check's own period and grace ({@link BeatSchedules}),
     * else the default; so a nightly job is not "down" on the page between its runs.
     */
    public DeviceStatus status(DeviceRecord device, Schedule registered, Instant now) {
        ScheduledRule judge = BeatSchedules.threshold(rule, device)
                .map(t -> ScheduledRule.of(rule.withThreshold(t))).orElse(scheduled);
        Schedule schedule = registered != null && !registered.equals(Schedule.DEFAULT) ? registered : judge.defaultSchedule();
        return judge.status(device.facts(), schedule, device.signals(), rule.isExpected(device.device()), now);
    }

    /** Merged outages of {@code device} that overlap {@code [from, to)}, oldest first; an ongoing one has no end. */
    public List<Outage> outages(String device, Instant from, Instant to, Instant now) {
        return span(device, from, to, now).outages();
    }

    /** Uptime of {@code device} over {@code [from, to)}; empty percent when it was never monitored then. */
    public Uptime uptime(String device, Instant from, Instant to, Instant now) {
        return span(device, from, to, now).uptime(from, to, now);
    }

    /**
     * What the store says of {@code device} over {@code [from, to)}, read once: its runs from one
     * lookback earlier (so a gap that began before {@code from} is seen whole) up to {@code now}
     * (so one that ends after {@code to} is closed), and the reports that overlap them. Several
     * uptimes (24 h, 7 d, 30 d) and a status trail then come from one read.
     */
    public Span span(String device, Instant from, Instant to, Instant now) {
        return spans(List.of(device), from, to, now).getOrDefault(device, Span.empty(device, model, from, to, now));
    }

    /** {@link #span} of every device with a run or a report in the range, in one read. */
    public Map<String, Span> spans(Instant from, Instant to, Instant now) {
        return spans((Collection<String>) null, from, to, now);
    }

    /**
     * {@link #span} of each of {@code devices} that has a run or a report in the range (every
     * device's when null), in one read of their runs and one of their reports (a dashboard page).
     */
    public Map<String, Span> spans(Collection<String> devices, Instant from, Instant to, Instant now) {
        return spans(devices, from, to, now, d -> null);
    }

    /**
     * {@link #spans(Collection, Instant, Instant, Instant)} with each device's schedule (read once
     * per call from the registry by the caller): a cron device's spans count its runs on time
     * (docs/history.md, "Runs on time").
     */
    public Map<String, Span> spans(Collection<String> devices, Instant from, Instant to, Instant now,
                                   Function<String, Schedule> schedules) {
        Instant readFrom = from.minus(rule.lookback());
        Instant readTo = to.isAfter(now) ? to : now;
        HistoryPeriod period = new HistoryPeriod(from, to, ZoneOffset.UTC);
        Map<String, Span> out = new HashMap<>();
        for (HistoryFacts facts : facts(devices, readFrom, readTo, schedules).values()) {
            for (var d : model.compute(facts, period, now, schedules).devices()) {
                out.put(d.device(), new Span(d, facts, model, period, schedules));
            }
        }
        return out;
    }

    /**
     * Per device, the runs' spans, the gaps between consecutive runs, and the reports over the
     * range (one facts object per device, so each later computation touches one device only).
     * Each gap carries the schedule of the run's last beat before it, and each span its last
     * beat's, so the model judges them (and the silence still going on) by the rule the runs were
     * split by ({@link BeatRuns}).
     */
    Map<String, HistoryFacts> facts(Collection<String> devices, Instant readFrom, Instant readTo) {
        return facts(devices, readFrom, readTo, d -> null);
    }

    /**
     * The facts, with a cron device's beats kept whole from its beat runs: each run's first and
     * last beat. A cron firing further apart than the threshold (an hourly or nightly job) has
     * one run per beat, so these are its beats exactly; a run of several beats (a cron firing
     * more often than the threshold) gives only its ends (docs/history.md, "Runs on time").
     * The runs do not say {@code fail} or a duration yet: every beat is a success.
     */
    Map<String, HistoryFacts> facts(Collection<String> devices, Instant readFrom, Instant readTo,
                                    Function<String, Schedule> schedules) {
        List<BeatRun> runs = store.database().inTransaction(
                c -> BeatRuns.overlapping(c, devices, readFrom.toEpochMilli(), readTo.toEpochMilli() + 1));
        Map<String, List<DeviceSpan>> spans = new HashMap<>();
        Map<String, List<Gap>> gaps = new HashMap<>();
        Map<String, List<RunBeat>> runBeats = new HashMap<>();
        Map<String, Boolean> keeps = new HashMap<>();
        BeatRun previous = null;
        for (BeatRun r : runs) { // ordered by device, then time
            spans.computeIfAbsent(r.device(), k -> new ArrayList<>()).add(new DeviceSpan(r.device(),
                    Instant.ofEpochMilli(r.firstBeat()), Instant.ofEpochMilli(r.lastBeat()), r.beats(), r.lastStopping(),
                    r.lastSchedule()));
            if (keeps.computeIfAbsent(r.device(), k -> HistoryModel.keepsBeats(schedules.apply(k)))) {
                List<RunBeat> kept = runBeats.computeIfAbsent(r.device(), k -> new ArrayList<>());
                Signal last = r.lastStopping() ? Signal.STOPPING : Signal.SUCCESS;
                if (r.beats() > 1) {
                    kept.add(RunBeat.success(Instant.ofEpochMilli(r.firstBeat())));
                }
                kept.add(new RunBeat(Instant.ofEpochMilli(r.lastBeat()), last, null));
            }
            if (previous != null && previous.device().equals(r.device())) {
                gaps.computeIfAbsent(r.device(), k -> new ArrayList<>()).add(new Gap(r.device(),
                        Instant.ofEpochMilli(previous.lastBeat()), Instant.ofEpochMilli(r.firstBeat()), previous.lastStopping(),
                        previous.lastSchedule()));
            }
            previous = r;
        }
        Map<String, List<ReportedOutage>> reports = new HashMap<>();
        for (ReportedOutage o : store.facts().reportsOverlapping(devices, readFrom, readTo)) {
            reports.computeIfAbsent(o.device(), k -> new ArrayList<>()).add(o);
        }
        Map<String, HistoryFacts> out = new HashMap<>();
        Set<String> names = new HashSet<>(spans.keySet());
        names.addAll(reports.keySet());
        for (String d : names) {
            out.put(d, HistoryFacts.fromGaps(readFrom, readTo, spans.getOrDefault(d, List.of()), gaps.getOrDefault(d, List.of()),
                    reports.getOrDefault(d, List.of()), runBeats.containsKey(d) ? Map.of(d, runBeats.get(d)) : Map.of()));
        }
        return out;
    }

    /**
     * One device's coverage (null: no heartbeat in the range read) and merged outages that
     * overlap the period asked for; {@link #uptime} asks the model again for a sub-period.
     */
    public static final class Span {
        private final String device;
        private final Coverage coverage;
        private final List<Outage> outages;
        private final HistoryFacts facts;
        private final HistoryModel model;
        /** The period the span was read for, and its history (asked again by the dashboard: not recomputed). */
        private final HistoryPeriod period;
        private final dev.heartwatch.core.history.DeviceHistory periodHistory;
        private final Function<String, Schedule> schedules;
        /** Sub-periods already computed, by {@code [from, to, now]}; a span serves one request. */
        private final Map<List<Instant>, Optional<dev.heartwatch.core.history.DeviceHistory>> computed =
                new java.util.concurrent.ConcurrentHashMap<>();

        Span(dev.heartwatch.core.history.DeviceHistory d, HistoryFacts facts, HistoryModel model, HistoryPeriod period,
             Function<String, Schedule> schedules) {
            this.device = d.device();
            this.period = period;
            this.periodHistory = d;
            this.coverage = d.coverage();
            this.outages = List.copyOf(d.outages());
            this.facts = facts;
            this.model = model;
            this.schedules = schedules;
        }

        private Span(String device, HistoryFacts facts, HistoryModel model) {
            this.device = device;
            this.period = null;
            this.periodHistory = null;
            this.coverage = null;
            this.outages = List.of();
            this.facts = facts;
            this.model = model;
            this.schedules = d -> null;
        }

        static Span empty(String device, HistoryModel model, Instant from, Instant to, Instant now) {
            Instant readTo = to.isAfter(now) ? to : now;
            return new Span(device, HistoryFacts.fromGaps(from, readTo, List.of(), List.of(), List.of()), model);
        }

        public String device() {
            return device;
        }

        public Coverage coverage() {
            return coverage;
        }

        public List<Outage> outages() {
            return outages;
        }

        /** Uptime over {@code [from, to)} from the facts read, by the history model (never watched: no percent). */
        public Uptime uptime(Instant from, Instant to, Instant now) {
            Optional<dev.heartwatch.core.history.DeviceHistory> d = history(from, to, now);
            return d.map(dev.heartwatch.core.history.DeviceHistory::total)
                    .orElseGet(() -> UptimeCalculator.over(device, null, List.of(), from, to,
                            facts.readTo().isBefore(now) ? facts.readTo() : now));
        }

        /**
         * Runs on time over {@code [from, to)} for a cron device (empty: not a cron device, or
         * nothing read), by the history model.
         */
        public Optional<RunCount> runs(Instant from, Instant to, Instant now) {
            return history(from, to, now).map(dev.heartwatch.core.history.DeviceHistory::runs).map(CronRunHistory::total);
        }

        /** The run durations over the period the span was read for ({@link RunDurations#NONE}: none). */
        public RunDurations durations() {
            return periodHistory == null ? RunDurations.NONE : periodHistory.durations();
        }

        private Optional<dev.heartwatch.core.history.DeviceHistory> history(Instant from, Instant to, Instant now) {
            if (periodHistory != null && period.since().equals(from) && period.until().equals(to) && !now.isBefore(to)) {
                return Optional.of(periodHistory);
            }
            // A cron device asks each sub-period twice (its time uptime and its runs): computed once.
            return computed.computeIfAbsent(List.of(from, to, now), k ->
                    model.compute(facts, new HistoryPeriod(from, to, ZoneOffset.UTC), now, schedules).device(device));
        }
    }

    /** The client address of the device's last heartbeat, when it had one. */
    public Optional<String> lastAddress(String device) {
        return store.devices().device(device).map(DeviceRecord::lastIp);
    }
}
