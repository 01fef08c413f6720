package dev.heartwatch.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a cron job runs, as instants, the way Debian's cron(8) runs it in a time zone with
 * daylight saving. Its manual (NOTES; quoted and tried out in "How Debian Cron Handles DST
 * Transitions", blog.healthchecks.io/2021/10/how-debian-cron-handles-dst-transitions/):
 * "If the time has moved forwards, those jobs which would have run in the time that was skipped
 * will be run soon after the change. Conversely, if the time has moved backwards by less than 3
 * hours, those jobs that fall into the repeated time will not be re-run. Only jobs that run at a
 * particular time (not specified as @hourly, nor with '*' in the hour or minute specifier) are
 * affected. Jobs which are specified with wildcards are run based on the new time immediately.
 * Clock changes of more than 3 hours are considered to be corrections to the clock".
 *
 * <p>So, for a wall time the expression matches:
 * <ul>
 *   <li>an ordinary wall time: its one instant;</li>
 *   <li>in a skipped interval (spring forward): a fixed-time job runs once, at the change
 *       (several skipped wall times of one job are one run); a wildcard job does not run;</li>
 *   <li>in a repeated interval (fall back): a fixed-time job runs once, at the first
 *       occurrence; a wildcard job runs at both;</li>
 *   <li>a change of more than 3 hours is a clock correction: every job follows the new clock,
 *       as a wildcard job does.</li>
 * </ul>
 *
 * <p>Where cron-utils disagrees: its {@code ExecutionTime} in a zone drops a fixed-time job
 * whose time is skipped ({@code 30 2 * * *} in Europe/Berlin has no run on 2026-03-29; Debian
 * runs it at 03:00 CEST). That is why the library is only asked wall-clock questions
 * ({@link CronFields}) and this class maps wall times to instants itself.
 * {@code CronRunsTest} checks every case against the library and against these rules.
 */
final class CronRuns {

    /** Debian's limit between a daylight-saving change and a clock correction (cron.c: 3 hours). */
    static final Duration CORRECTION = Duration.ofHours(3);
    /** How far a search for the next or previous run looks before it says there is none. */
    private static final int SEARCH_YEARS = 30;

    private final CronFields fields;
    private final ZoneId zone;
    private final ZoneRules rules;

    CronRuns(CronFields fields, ZoneId zone) {
        this.fields = fields;
        this.zone = zone;
        this.rules = zone.getRules();
    }

    ZoneId zone() {
        return zone;
    }

    /** The runs that belong to wall-clock day {@code day}, ascending, without duplicates. */
    List<Instant> runsOn(LocalDate day) {
        if (!fields.matches(day)) {
            return List.of();
        }
        List<Instant> out = new ArrayList<>(fields.timesOfDay().size());
        for (LocalTime time : fields.timesOfDay()) {
            addRuns(LocalDateTime.of(day, time), out);
        }
        out.sort(null);
        List<Instant> unique = new ArrayList<>(out.size());
        for (Instant i : out) {
            if (unique.isEmpty() || !unique.get(unique.size() - 1).equals(i)) {
                unique.add(i);
            }
        }
        return unique;
    }

    /** Debian's instants for one matching wall time (none, one or two). */
    private void addRuns(LocalDateTime wall, List<Instant> out) {
        ZoneOffsetTransition change = rules.getTransition(wall);
        if (change == null) {
            out.add(wall.atZone(zone).toInstant());
            return;
        }
        boolean followsClock = fields.wildcard() || change.getDuration().abs().compareTo(CORRECTION) > 0;
        if (change.isGap()) {
            if (!followsClock) {
                out.add(change.getInstant());
            }
            return;
        }
        out.add(wall.atOffset(change.getOffsetBefore()).toInstant());
        if (followsClock) {
            out.add(wall.atOffset(change.getOffsetAfter()).toInstant());
        }
    }

    /**
     * Every run in {@code [from, to)}, in order: each day's runs at once (a month of a
     * five-minute job is 8,640 runs, one search each would cost milliseconds per device). The
     * same instants as {@link #nextAfter} stepped from {@code from} ({@code CronRunsBetweenTest}).
     */
    List<Instant> between(Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        if (!from.isBefore(to)) {
            return out;
        }
        // A day's runs can land on a neighbouring wall date across a change: look one day beyond each end.
        LocalDate last = LocalDate.ofInstant(to, zone).plusDays(1);
        List<LocalTime> times = fields.timesOfDay();
        for (LocalDate day = LocalDate.ofInstant(from, zone).minusDays(1); !day.isAfter(last); day = day.plusDays(1)) {
            if (!fields.matches(day)) {
                continue;
            }
            ZoneOffset steady = steadyOffset(day);
            if (steady != null) {
                // No change near this day: its runs are its times of day at one offset.
                long base = day.toEpochDay() * 86_400L - steady.getTotalSeconds();
                for (LocalTime time : times) {
                    Instant run = Instant.ofEpochSecond(base + time.toSecondOfDay());
                    if (!run.isBefore(from) && run.isBefore(to)) {
                        out.add(run);
                    }
                }
                continue;
            }
            for (Instant run : runsOn(day)) {
                if (!run.isBefore(from) && run.isBefore(to)) {
                    out.add(run);
                }
            }
        }
        out.sort(null);
        List<Instant> unique = new ArrayList<>(out.size());
        for (Instant i : out) {
            if (unique.isEmpty() || !unique.get(unique.size() - 1).equals(i)) {
                unique.add(i);
            }
        }
        return unique;
    }

    /** The first run strictly after {@code t}. */
    Optional<Instant> nextAfter(Instant t) {
        // A skipped interval may span midnight, so a day's runs can fall on the next wall date.
        // nextDayAfter is strict: the first day looked at is the wall date before t's.
        LocalDate day = LocalDate.ofInstant(t, zone).minusDays(2);
        LocalDate limit = day.plusYears(SEARCH_YEARS);
        while (true) {
            Optional<LocalDate> next = fields.nextDayAfter(day, limit);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            day = next.get();
            Optional<Instant> run = firstOnDayAfter(day, t);
            if (run.isPresent()) {
                // A repeated interval across midnight interleaves two days' runs: look at the next.
                Optional<Instant> following = firstOnDayAfter(day.plusDays(1), t);
                return following.isPresent() && following.get().isBefore(run.get()) ? following : run;
            }
        }
    }

    /** The last run at or before {@code t}. */
    Optional<Instant> lastAtOrBefore(Instant t) {
        LocalDate day = LocalDate.ofInstant(t, zone).plusDays(2);
        LocalDate limit = day.minusYears(SEARCH_YEARS);
        while (true) {
            Optional<LocalDate> previous = fields.previousDayBefore(day, limit);
            if (previous.isEmpty()) {
                return Optional.empty();
            }
            day = previous.get();
            Optional<Instant> run = lastOnDayAtOrBefore(day, t);
            if (run.isPresent()) {
                Optional<Instant> preceding = lastOnDayAtOrBefore(day.minusDays(1), t);
                return preceding.isPresent() && preceding.get().isAfter(run.get()) ? preceding : run;
            }
        }
    }

    private Optional<Instant> firstOnDayAfter(LocalDate day, Instant t) {
        if (!fields.matches(day)) {
            return Optional.empty();
        }
        ZoneOffset steady = steadyOffset(day);
        if (steady != null) {
            // No change near this day: its runs are its times of day at one offset.
            List<LocalTime> times = fields.timesOfDay();
            LocalDateTime wall = LocalDateTime.ofInstant(t, steady);
            int k = wall.toLocalDate().isBefore(day) ? 0
                    : wall.toLocalDate().isAfter(day) ? times.size() : firstAfter(times, wall.toLocalTime());
            return k < times.size() ? Optional.of(LocalDateTime.of(day, times.get(k)).toInstant(steady)) : Optional.empty();
        }
        for (Instant run : runsOn(day)) {
            if (run.isAfter(t)) {
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }

    private Optional<Instant> lastOnDayAtOrBefore(LocalDate day, Instant t) {
        if (!fields.matches(day)) {
            return Optional.empty();
        }
        ZoneOffset steady = steadyOffset(day);
        if (steady != null) {
            List<LocalTime> times = fields.timesOfDay();
            LocalDateTime wall = LocalDateTime.ofInstant(t, steady);
            int k = wall.toLocalDate().isAfter(day) ? times.size()
                    : wall.toLocalDate().isBefore(day) ? 0 : firstAfter(times, wall.toLocalTime());
            return k > 0 ? Optional.of(LocalDateTime.of(day, times.get(k - 1)).toInstant(steady)) : Optional.empty();
        }
        List<Instant> runs = runsOn(day);
        for (int k = runs.size() - 1; k >= 0; k--) {
            if (!runs.get(k).isAfter(t)) {
                return Optional.of(runs.get(k));
            }
        }
        return Optional.empty();
    }

    /** Index of the first time strictly after {@code time} ({@code times.size()} if none). */
    private static int firstAfter(List<LocalTime> times, LocalTime time) {
        int lo = 0;
        int hi = times.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times.get(mid).isAfter(time)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * The day's one offset when no change falls within a day of it (so neither its own wall times
     * nor runs moved in from a neighbouring day's change are special), else {@code null}.
     */
    private ZoneOffset steadyOffset(LocalDate day) {
        Instant from = day.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minus(Duration.ofHours(18));
        Instant to = day.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(18));
        ZoneOffsetTransition change = rules.nextTransition(from);
        if (change != null && change.getInstant().isBefore(to)) {
            return null;
        }
        return rules.getOffset(from);
    }

    /**
     * The longest time between two consecutive runs, over the runs from the last one at or
     * before {@code from} to the first one at or after {@code to} (so a gap that spans either
     * end counts whole), daylight-saving changes included.
     */
    RunGap longestGap(Instant from, Instant to) {
        Instant start = lastAtOrBefore(from).or(() -> nextAfter(from))
                .orElseThrow(() -> new IllegalStateException("a parsed cron always runs"));
        List<LocalTime> times = fields.timesOfDay();
        int widest = widestTimeGap(times);
        RunGap longest = null;
        Instant previous = null;
        LocalDate day = LocalDate.ofInstant(start, zone).minusDays(2);
        LocalDate limit = LocalDate.ofInstant(to, zone).plusYears(SEARCH_YEARS);
        while (previous == null || previous.isBefore(to)) {
            Optional<LocalDate> next = fields.nextDayAfter(day, limit);
            if (next.isEmpty()) {
                break;
            }
            day = next.get();
            ZoneOffset steady = steadyOffset(day);
            if (steady != null) {
                // One offset all day: the widest gap inside it is that of its times of day.
                Instant first = LocalDateTime.of(day, times.get(0)).toInstant(steady);
                Instant last = LocalDateTime.of(day, times.get(times.size() - 1)).toInstant(steady);
                if (!last.isBefore(start)) {
                    if (previous != null && first.isAfter(previous)) {
                        longest = longer(longest, new RunGap(previous, first));
                    }
                    if (widest >= 0) {
                        longest = longer(longest, new RunGap(LocalDateTime.of(day, times.get(widest)).toInstant(steady),
                                LocalDateTime.of(day, times.get(widest + 1)).toInstant(steady)));
                    }
                    previous = last;
                }
                continue;
            }
            // Near a change two days' runs may interleave (a repeated interval across midnight):
            // take this day's runs with the next day's that come before this day's last, in order.
            List<Instant> own = runsOn(day);
            if (own.isEmpty()) {
                continue;
            }
            Instant upTo = own.get(own.size() - 1);
            List<Instant> runs = new ArrayList<>(own);
            runs.addAll(runsOn(day.plusDays(1)));
            runs.sort(null);
            for (Instant run : runs) {
                if (run.isAfter(upTo)) {
                    break;
                }
                if (run.isBefore(start) || (previous != null && !run.isAfter(previous))) {
                    continue;
                }
                if (previous != null) {
                    longest = longer(longest, new RunGap(previous, run));
                }
                previous = run;
            }
        }
        if (longest == null) {
            throw new IllegalStateException("no two runs of this cron between " + from + " and " + to);
        }
        return longest;
    }

    private static RunGap longer(RunGap a, RunGap b) {
        return a == null || b.length().compareTo(a.length()) > 0 ? b : a;
    }

    /** Index {@code i} of the widest gap between {@code times[i]} and {@code times[i+1]}, -1 if one time. */
    private static int widestTimeGap(List<LocalTime> times) {
        int widest = -1;
        long widestSeconds = -1;
        for (int i = 0; i + 1 < times.size(); i++) {
            long s = Duration.between(times.get(i), times.get(i + 1)).getSeconds();
            if (s > widestSeconds) {
                widestSeconds = s;
                widest = i;
            }
        }
        return widest;
    }

}
