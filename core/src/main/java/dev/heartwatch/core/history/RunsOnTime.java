package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.RunBeat;
import dev.heartwatch.core.outage.Signal;
import dev.heartwatch.core.schedule.DueRule;
import dev.heartwatch.core.schedule.Schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts a cron device's runs on time (docs/history.md, "Runs on time"), for {@link HistoryModel}:
 *
 * <ul>
 *   <li>A run is expected at each fire time {@code T} of the cron in its zone ({@code CronRuns},
 *       Debian's daylight-saving behaviour) with {@code since <= T < until}, once the device was
 *       being watched ({@code T + grace} after its first beat read). A run inside a clean stop
 *       that nothing answered is not expected (the device was paused on purpose).</li>
 *   <li>Its answer is the first success or fail that came from {@link DueRule#countsFrom} (up to
 *       the early tolerance before {@code T}) until {@code T + grace} (exclusive: at
 *       {@code T + grace} the device is DOWN). A success is on time; a fail is not; no answer
 *       is a missed run.</li>
 *   <li>A run whose grace has not ended by the horizon and that nothing answered yet is not
 *       counted at all (it may still be on time).</li>
 * </ul>
 */
final class RunsOnTime {

    private RunsOnTime() {
    }

    static CronRunHistory count(Schedule.Cron cron, DueRule rule, List<RunBeat> beats, Coverage coverage,
                                HistoryPeriod period, Instant horizon) {
        SortedMap<LocalDate, RunCount> days = new TreeMap<>();
        SortedMap<YearMonth, RunCount> months = new TreeMap<>();
        RunCount total = RunCount.NONE;
        if (coverage == null) {
            return new CronRunHistory(total, days, months);
        }
        List<Instant> answers = new ArrayList<>();
        List<Signal> signals = new ArrayList<>();
        for (RunBeat b : beats) {
            if (b.signal().answers()) {
                answers.add(b.at());
                signals.add(b.signal());
            }
        }
        Instant watchedFrom = coverage.firstSeen();
        Instant previous = cron.lastRunAtOrBefore(period.since().minusNanos(1)).orElse(null);
        Instant end = period.until().isBefore(horizon) ? period.until() : horizon;
        // Runs come in time order: count each calendar day of the zone in place, flush it when the next begins.
        LocalDate day = null;
        Instant nextDay = null;
        int[] dayCount = new int[3];
        for (Instant run : cron.runsBetween(period.since(), end)) {
            Instant deadline = run.plus(cron.grace());
            if (deadline.isAfter(watchedFrom)) {
                int k = firstAtOrAfter(answers, rule.countsFrom(previous, run));
                boolean answered = k < answers.size() && answers.get(k).isBefore(deadline);
                if (answered || (!deadline.isAfter(horizon) && !inStop(coverage, run))) {
                    boolean onTime = answered && signals.get(k) == Signal.SUCCESS;
                    boolean failed = answered && signals.get(k) == Signal.FAIL;
                    if (day == null || !run.isBefore(nextDay)) {
                        flush(day, dayCount, days, months);
                        day = LocalDate.ofInstant(run, period.zone());
                        nextDay = day.plusDays(1).atStartOfDay(period.zone()).toInstant();
                    }
                    dayCount[0]++;
                    dayCount[1] += onTime ? 1 : 0;
                    dayCount[2] += failed ? 1 : 0;
                    total = total.plus(onTime, failed);
                }
            }
            previous = run;
        }
        flush(day, dayCount, days, months);
        return new CronRunHistory(total, days, months);
    }

    /** Adds the day's counts to its day and month, and clears them. */
    private static void flush(LocalDate day, int[] count, SortedMap<LocalDate, RunCount> days,
                              SortedMap<YearMonth, RunCount> months) {
        if (day == null || count[0] == 0) {
            return;
        }
        RunCount c = new RunCount(count[0], count[1], count[2]);
        days.merge(day, c, RunsOnTime::add);
        months.merge(YearMonth.from(day), c, RunsOnTime::add);
        count[0] = 0;
        count[1] = 0;
        count[2] = 0;
    }

    private static RunCount add(RunCount a, RunCount b) {
        return new RunCount(a.expected() + b.expected(), a.onTime() + b.onTime(), a.failed() + b.failed());
    }

    /** Whether {@code t} falls inside one of the coverage's clean stops. */
    private static boolean inStop(Coverage coverage, Instant t) {
        for (Coverage.Stop s : coverage.stopped()) {
            if (!t.isBefore(s.start()) && (s.end() == null || t.isBefore(s.end()))) {
                return true;
            }
        }
        return false;
    }

    /** Index of the first instant at or after {@code t} in the sorted {@code times}. */
    private static int firstAtOrAfter(List<Instant> times, Instant t) {
        int lo = 0;
        int hi = times.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times.get(mid).isBefore(t)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Durations of the successes inside the period, up to the horizon. */
    static RunDurations durations(List<RunBeat> beats, HistoryPeriod period, Instant horizon) {
        List<Long> ms = new ArrayList<>();
        for (RunBeat b : beats) {
            if (b.signal() == Signal.SUCCESS && b.durationMs() != null && !b.at().isBefore(period.since())
                    && b.at().isBefore(period.until()) && !b.at().isAfter(horizon)) {
                ms.add(b.durationMs());
            }
        }
        return RunDurations.of(ms);
    }
}
