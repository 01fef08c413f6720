package dev.heartwatch.server.dashboard;

import dev.heartwatch.core.history.HistoryModel;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.CheckedReports;
import dev.heartwatch.core.outage.ReportClip;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.schedule.Due;
import dev.heartwatch.core.schedule.DueRule;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.core.schedule.ScheduleText;
import dev.heartwatch.server.ingest.ProbesWithoutHeartbeats;
import dev.heartwatch.server.store.AdminState;
import dev.heartwatch.server.store.DeviceAdministration;
import dev.heartwatch.server.store.DeviceHistory;
import dev.heartwatch.server.store.DeviceRecord;
import dev.heartwatch.server.store.HeartwatchStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;

/**
 * The dashboard's data from the server's store: every device the store knows or expects, its
 * status (retired, muted, else the silence rule live at {@code now}), last heartbeat and address,
 * uptime over 24 h / 7 d / 30 d and a trail of hourly status dots, all computed by core's
 * history model from the beat runs and the agents' reports (one read for every device, never
 * the raw beats), so the page agrees with {@code heartwatch history}. Each device's schedule comes
 * from the registry, read once per call: its text, its standing ({@code DueRule}) and, for a cron
 * device, runs on time as its uptime. Mute and retire go through
 * {@link DeviceAdministration}, the same code as the admin API.
 */
public final class StoreDashboardSource implements DashboardSource {
    static final Duration DAY = Duration.ofDays(1);
    static final Duration WEEK = Duration.ofDays(7);
    static final Duration MONTH = Duration.ofDays(30);
    /** The trail: one dot per hour over the last day, oldest first. */
    static final int TRAIL_DOTS = 24;
    static final Duration TRAIL_STEP = Duration.ofHours(1);

    private static final DueRule DUE_RULE = DueRule.standard();

    private final HeartwatchStore store;
    private final DeviceHistory history;
    private final DeviceAdministration administration;
    private final Set<String> expectedDevices;
    private final ProbesWithoutHeartbeats probes;

    public StoreDashboardSource(HeartwatchStore store, DeviceHistory history, DeviceAdministration administration,
                                Set<String> expectedDevices) {
        this.store = store;
        this.history = history;
        this.administration = administration;
        this.expectedDevices = Set.copyOf(expectedDevices);
        this.probes = new ProbesWithoutHeartbeats(store.facts());
    }

    @Override
    public List<DeviceSummary> summaries(Instant now) {
        List<DeviceSummary> out = new ArrayList<>();
        Function<String, Schedule> schedules = schedules();
        for (DeviceRecord r : store.devices().all(expectedDevices).values()) {
            out.add(new DeviceSummary(r.device(), status(r, schedules.apply(r.device()), now)));
        }
        return out;
    }

    /**
     * One page's views: the page's devices by their keys and their month of runs and reports in
     * one read each, so a page of 100 among thousands costs the same as 100 devices alone.
     * Expected devices never heard have no row: they are made here, as {@link #devices(Instant)} does.
     */
    @Override
    public List<DeviceView> devices(List<String> devices, Instant now) {
        Map<String, DeviceRecord> records = store.devices().some(devices);
        Function<String, Schedule> schedules = schedules();
        Map<String, DeviceHistory.Span> spans = history.spans(devices, now.minus(MONTH), now, now, schedules);
        List<DeviceView> out = new ArrayList<>(devices.size());
        for (String d : devices) {
            DeviceRecord r = records.containsKey(d) ? records.get(d)
                    : expectedDevices.contains(d) ? DeviceRecord.neverSeen(d) : null;
            if (r != null) {
                out.add(view(r, now, spans.get(d), schedules));
            }
        }
        return out;
    }

    @Override
    public List<ProbeWarning> probeWarnings(Instant now) {
        return probes.at(now).stream().map(p -> new ProbeWarning(p.ip(), p.probes(), p.last())).toList();
    }

    @Override
    public List<DeviceView> devices(Instant now) {
        List<DeviceView> out = new ArrayList<>();
        // Every device's month in one read of the beat runs and reports, one model computation.
        Function<String, Schedule> schedules = schedules();
        Map<String, DeviceHistory.Span> spans = history.spans(null, now.minus(MONTH), now, now, schedules);
        for (DeviceRecord r : store.devices().all(expectedDevices).values()) {
            out.add(view(r, now, spans.get(r.device()), schedules));
        }
        return out;
    }

    DeviceView view(DeviceRecord r, Instant now) {
        Function<String, Schedule> schedules = schedules();
        return view(r, now, history.spans(List.of(r.device()), now.minus(MONTH), now, now, schedules).get(r.device()),
                schedules);
    }

    /** Each device's schedule: the registry, read once per poll (one small table). */
    private Function<String, Schedule> schedules() {
        return HistoryModel.schedulesOf(store.registry().registry());
    }

    /**
     * The view with its schedule facts: the schedule's text, where the device stands against it
     * ({@link DueRule#decide} on the stored facts, O(1)), the last run's duration, and for a
     * cron device its runs on time as its uptime (docs/history.md, "Runs on time").
     */
    private DeviceView view(DeviceRecord r, Instant now, DeviceHistory.Span monthSpan, Function<String, Schedule> schedules) {
        Schedule schedule = schedules.apply(r.device());
        Due due = DUE_RULE.decide(schedule, r.facts(), r.signals(), now);
        DeviceView plain = timeView(r, now, monthSpan, schedule);
        String text = ScheduleText.describe(schedule);
        String word = due.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (r.lastSeen() == null) {
            return plain.withSchedule(text, word, due.dueAt(), due.downAt(), null, null, null, null);
        }
        // The month's runs carry no duration on the server (beat runs keep none): the device's row
        // keeps the durationMs of its latest beat that carried one, kept by the writer's upsert.
        Long spanDuration = monthSpan == null ? null : monthSpan.durations().lastMs();
        Long lastDuration = spanDuration != null ? spanDuration : r.lastDurationMs();
        if (!(schedule instanceof Schedule.Cron)) {
            return plain.withSchedule(text, word, due.dueAt(), due.downAt(), lastDuration, null, null, null);
        }
        RunCount day = monthSpan == null ? RunCount.NONE : monthSpan.runs(now.minus(DAY), now, now).orElse(RunCount.NONE);
        RunCount week = monthSpan == null ? RunCount.NONE : monthSpan.runs(now.minus(WEEK), now, now).orElse(RunCount.NONE);
        RunCount month = monthSpan == null ? RunCount.NONE : monthSpan.runs(now.minus(MONTH), now, now).orElse(RunCount.NONE);
        return new DeviceView(r.device(), plain.status(), plain.lastSeen(), plain.ip(), percent(day), percent(week),
                percent(month), plain.trail(), text, word, due.dueAt(), due.downAt(), lastDuration, day, week, month);
    }

    private static Double percent(RunCount runs) {
        OptionalDouble p = runs.percent();
        return p.isPresent() ? p.getAsDouble() : null;
    }

    private DeviceView timeView(DeviceRecord r, Instant now, DeviceHistory.Span monthSpan, Schedule schedule) {
        String status = status(r, schedule, now);
        if (r.lastSeen() == null) {
            // Expected (or muted ahead) but never heard: nothing to compute.
            List<String> trail = new ArrayList<>();
            for (int i = 0; i < TRAIL_DOTS; i++) {
                trail.add(r.retired() ? "retired" : "unknown");
            }
            return new DeviceView(r.device(), status, null, null, null, null, null, trail);
        }
        DeviceHistory.Span span = monthSpan != null ? monthSpan : history.span(r.device(), now.minus(MONTH), now, now);
        return new DeviceView(r.device(), status, r.lastSeen(), r.lastIp(),
                percent(span.uptime(now.minus(DAY), now, now)),
                percent(span.uptime(now.minus(WEEK), now, now)),
                percent(span.uptime(now.minus(MONTH), now, now)),
                trail(r, span, now));
    }

    /** Retired and muted win over what the rule says: they are the operator's decisions. */
    String status(DeviceRecord r, Instant now) {
        return status(r, null, now);
    }

    /** {@link #status(DeviceRecord, Instant)} on the device's registry schedule (null: none named), as the evaluator judges it. */
    String status(DeviceRecord r, Schedule registered, Instant now) {
        if (r.retired()) {
            return "retired";
        }
        if (r.mutedAt(now)) {
            return "muted";
        }
        DeviceStatus live = history.status(r, registered, now);
        return switch (live) {
            case UP -> "up";
            case DOWN -> "down";
            case STOPPED -> "stopped";
            case UNKNOWN -> "unknown";
        };
    }

    /**
     * One dot per hour of the last day: {@code retired} after the retirement, {@code unknown}
     * before the first heartbeat, {@code down} when an outage touches the hour, {@code stopped}
     * when a clean stop does, else {@code up}.
     */
    static List<String> trail(DeviceRecord r, DeviceHistory.Span span, Instant now) {
        List<String> dots = new ArrayList<>(TRAIL_DOTS);
        Coverage coverage = span.coverage();
        Instant firstSeen = coverage != null ? coverage.firstSeen() : r.firstSeen();
        for (int i = TRAIL_DOTS; i > 0; i--) {
            Instant from = now.minus(TRAIL_STEP.multipliedBy(i));
            Instant to = from.plus(TRAIL_STEP);
            if (r.retired() && !r.retiredAt().isAfter(from)) {
                dots.add("retired");
            } else if (firstSeen == null || !firstSeen.isBefore(to)) {
                dots.add("unknown");
            } else if (span.outages().stream().anyMatch(o -> overlaps(o.start(), o.end(), from, to))) {
                dots.add("down");
            } else if (coverage != null && coverage.stopped().stream().anyMatch(s -> overlaps(s.start(), s.end(), from, to))) {
                dots.add("stopped");
            } else {
                dots.add("up");
            }
        }
        return dots;
    }

    private static boolean overlaps(Instant start, Instant end, Instant from, Instant to) {
        return start.isBefore(to) && (end == null || end.isAfter(from));
    }

    private static Double percent(Uptime uptime) {
        OptionalDouble p = uptime.percent();
        return p.isPresent() ? p.getAsDouble() : null;
    }

    @Override
    public List<OutageView> outages(String device, Instant from, Instant to, Instant now) {
        List<OutageView> out = new ArrayList<>();
        for (Outage o : history.outages(device, from, to, now)) {
            Instant end = o.end();
            long duration = Duration.between(o.start(), end == null ? now : end).toMillis();
            ReportClip clip = CheckedReports.shownFor(o, id -> store.facts().reportClip(device, id));
            out.add(new OutageView(device, o.start(), end, Math.max(0, duration), o.cause(), o.detail(),
                    o.source().name().toLowerCase(Locale.ROOT), clip == null ? null : clip.reason().code(),
                    clip == null ? null : clip.reportedDuration().toMillis()));
        }
        return out;
    }

    @Override
    public boolean knows(String device, Instant now) {
        return administration.knows(device);
    }

    @Override
    public Optional<AdminState> mute(String device, Duration duration, Instant now) {
        return administration.knows(device) ? Optional.of(administration.mute(device, duration, now)) : Optional.empty();
    }

    @Override
    public Optional<AdminState> unmute(String device, Instant now) {
        return administration.knows(device) ? Optional.of(administration.unmute(device, now)) : Optional.empty();
    }

    @Override
    public Optional<AdminState> retire(String device, Instant now) {
        return administration.knows(device) ? Optional.of(administration.retire(device, now)) : Optional.empty();
    }

    @Override
    public Optional<AdminState> unretire(String device, Instant now) {
        return administration.knows(device) ? Optional.of(administration.unretire(device, now)) : Optional.empty();
    }
}
