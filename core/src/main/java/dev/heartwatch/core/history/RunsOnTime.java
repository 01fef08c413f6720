package dev.heartwatch.core.history;

import dev.heartwatch.core.outage.Coverage;
import dev.heartwatch.core.outage.RunBeat;
import dev.heartwatch.core.outage.Signal;
import dev.heartwatch.core.schedule.DueRule;
import dev.heartwatch.core.schedule.Schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        Optional<Instant> next = cron.nextRunAfter(period.since().minusNanos(1));
        while (next.isPresent() && next.get().isBefore(period.until()) && next.get().isBefore(horizon)) {
            Instant run = next.get();
            Instant deadline = run.plus(cron.grace());
            if (deadline.isAfter(watchedFrom)) {
                int k = firstAtOrAfter(answers, rule.countsFrom(previous, run));
                boolean answered = k < answers.size() && answers.get(k).isBefore(deadline);
                if (answered || (!deadline.isAfter(horizon) && !inStop(coverage, run))) {
                    boolean onTime = answered && signals.get(k) == Signal.SUCCESS;
                    boolean failed = answered && signals.get(k) == Signal.FAIL;
                    ZonedDateTime local = run.atZone(period.zone());
                    total = total.plus(onTime, failed);
                    days.merge(local.toLocalDate(), RunCount.NONE.plus(onTime, failed), RunsOnTime::add);
                    months.merge(YearMonth.from(local), RunCount.NONE.plus(onTime, failed), RunsOnTime::add);
                }
            }
            previous = run;
            next = cron.nextRunAfter(run);
        }
        return new CronRunHistory(total, days, months);
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
