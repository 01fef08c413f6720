package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Uptime;
import dev.heartwatch.core.schedule.Schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One device's history over a period, as {@link HistoryModel} computes it.
 *
 * @param firstSeen first beat read ({@code null}: only agent reports were read)
 * @param lastSeen  last beat read
 * @param beats     number of beats read
 * @param coverage  when it was watched ({@code null}: no beat read)
 * @param outages   the merged outages that overlap the period, whole (an outage that began
 *                  before the period shows its real start), oldest first
 * @param total     uptime over the whole period: downtime counted inside the period only
 * @param days      per calendar day of the zone, each clipped to the period
 * @param months    per calendar month of the zone, each clipped to the period
 * @param horizon   the latest instant the facts cover: an outage without an end lasted at least
 *                  until then
 * @param schedule  the device's schedule, {@code null} when the source did not say (no registry read)
 * @param runs      for a cron device, its runs on time out of runs expected (docs/history.md,
 *                  "Runs on time"): its uptime figure; {@code null} for any other device
 * @param durations the run durations its successes carried in the period ({@link RunDurations#NONE}: none)
 */
public record DeviceHistory(String device, Instant firstSeen, Instant lastSeen, long beats, Coverage coverage,
                            List<Outage> outages, Uptime total, SortedMap<LocalDate, Uptime> days,
                            SortedMap<YearMonth, Uptime> months, Instant horizon, Schedule schedule,
                            CronRunHistory runs, RunDurations durations) {

    /** A history without schedule, runs or durations (a source that knows no registry). */
    public DeviceHistory(String device, Instant firstSeen, Instant lastSeen, long beats, Coverage coverage,
                         List<Outage> outages, Uptime total, SortedMap<LocalDate, Uptime> days,
                         SortedMap<YearMonth, Uptime> months, Instant horizon) {
        this(device, firstSeen, lastSeen, beats, coverage, outages, total, days, months, horizon, null, null,
                RunDurations.NONE);
    }

    public DeviceHistory {
        Objects.requireNonNull(durations, "durations");
        if (runs != null && !(schedule instanceof Schedule.Cron)) {
            throw new IllegalArgumentException("runs on time are counted for a cron device only: " + device);
        }
        outages = List.copyOf(outages);
        days = Collections.unmodifiableSortedMap(new TreeMap<>(days));
        months = Collections.unmodifiableSortedMap(new TreeMap<>(months));
    }

    /** The longest outage, by its whole length (an ongoing one: until the horizon). */
    public Optional<Outage> longest() {
        Outage best = null;
        for (Outage o : outages) {
            if (best == null || o.duration(horizon).compareTo(best.duration(horizon)) > 0) {
                best = o;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Downtime inside the period. */
    public Duration downtime() {
        return total.down();
    }

    /** Whether its uptime figure is runs on time out of runs expected (a cron device), not time. */
    public boolean countsRuns() {
        return runs != null;
    }

    /** Whether a beat of it was read (a device known only from agent reports was never watched). */
    public boolean watched() {
        return coverage != null;
    }
}
