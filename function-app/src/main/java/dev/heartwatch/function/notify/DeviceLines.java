package dev.heartwatch.function.notify;

import dev.heartwatch.core.outage.CheckedReports;
import dev.heartwatch.core.outage.ReportCheck;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One device's {@code [heartbeat]} beats and {@code [outage]} reports over a range, as read from the workspace.
 *
 * @param parent   the {@code parent} its last heartbeat line named (a check's agent), or null
 * @param arrivals receiver time ({@code ts}) of the line that carried each report, by report id
 * @param schedule the schedule its last heartbeat line carried ({@code periodMs}, {@code graceMs}: an
 *                 agent's check, issue 17), or null
 */
public record DeviceLines(List<Beat> beats, List<ReportedOutage> reports, String parent, Map<String, Instant> arrivals,
                          BeatSchedule schedule) {
    public DeviceLines {
        beats = beats.stream().sorted(Beat.BY_AT).toList();
        reports = List.copyOf(reports);
        arrivals = Map.copyOf(arrivals);
    }

    public DeviceLines(List<Beat> beats, List<ReportedOutage> reports, String parent, Map<String, Instant> arrivals) {
        this(beats, reports, parent, arrivals, null);
    }

    public DeviceLines(List<Beat> beats, List<ReportedOutage> reports, String parent) {
        this(beats, reports, parent, Map.of());
    }

    public DeviceLines(List<Beat> beats, List<ReportedOutage> reports) {
        this(beats, reports, null);
    }

    /**
     * The reports judged against these lines' beats, as the server judges the reports it stores
     * ({@link ReportCheck}): the beats are the record, but only the query's window of it, so the
     * device's first beat is unknown and that rule is not applied ({@link CheckedReports#inWindow}).
     */
    public CheckedReports checkedReports() {
        return CheckedReports.inWindow(reports, r -> arrivals.get(r.id()),
                ReportCheck.BeatRecord.of(beats.stream().map(Beat::at).toList()));
    }

    /**
     * The rule the alert query judged the device by: {@code base}, or with the threshold its last
     * line's schedule gives (core's {@link BeatSchedule}, as {@code silent-devices.kql} reads it;
     * a registry row, which wins there, is not known here).
     */
    public SilenceRule ruleFor(SilenceRule base) {
        return schedule == null ? base : schedule.ruleFor(base);
    }

    /** The last beat at or before {@code at}, or null. */
    public Instant lastBeatBy(Instant at) {
        Instant last = null;
        for (Beat b : beats) {
            if (!b.at().isAfter(at)) {
                last = b.at();
            }
        }
        return last;
    }

    /** The lines of a device, read from somewhere. */
    public interface Source {
        /**
         * The device's lines with receiver time in {@code [from, to]}.
         *
         * @throws Unavailable when they cannot be read in time (the message then says so)
         */
        DeviceLines read(String device, Instant from, Instant to);

        /**
         * The beats, by device, of the devices whose heartbeat lines in {@code [from, to]} name
         * {@code parent} as theirs (its checks), oldest first, each with the schedule its last line
         * carried. None by default: a source that cannot tell folds nothing behind a parent.
         *
         * @throws Unavailable when they cannot be read in time
         */
        default java.util.Map<String, Child> children(String parent, Instant from, Instant to) {
            return java.util.Map.of();
        }
    }

    /**
     * A check's beats (receiver time, oldest first) and the schedule its last line carried (or null).
     */
    public record Child(List<Instant> beats, BeatSchedule schedule) {
        public Child {
            beats = beats.stream().sorted().toList();
        }
    }

    /** The lines could not be read; the reason is ours (a status, an exception's class), safe to show. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }
}
