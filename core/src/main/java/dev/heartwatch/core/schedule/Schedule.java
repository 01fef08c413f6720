package dev.heartwatch.core.schedule;

import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a device is expected to beat: every {@link Period}, or at the runs of a {@link Cron} in a
 * time zone; either way a beat may come up to {@code grace} late before the device is down
 * (healthchecks.io's model). {@link #DEFAULT} is the schedule of a device nobody described.
 */
public sealed interface Schedule permits Schedule.Period, Schedule.Cron {

    /** The longest period or grace accepted (P366D): a schedule is about heartbeats and jobs, not years. */
    Duration MAX_DURATION = Duration.ofDays(366);

    /**
     * Today's threshold rule as a schedule, so nothing changes for a device nobody described:
     * due one heartbeat interval after its last beat, down {@code threshold} after it
     * ({@code SilenceRule.recommended()}: every PT1M, grace PT4M, down at PT5M).
     */
    Schedule DEFAULT = defaultFor(SilenceRule.recommended());

    /** How long after a due time the device may still beat before it is down. */
    Duration grace();

    /**
     * The schedule that decides as {@code rule}'s threshold does: a beat every
     * {@code heartbeatInterval}, down at {@code threshold} after the last one.
     */
    static Schedule defaultFor(SilenceRule rule) {
        Duration grace = rule.threshold().minus(rule.heartbeatInterval());
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("threshold " + rule.threshold()
                    + " must exceed the heartbeat interval " + rule.heartbeatInterval() + " to leave a grace");
        }
        return new Period(rule.heartbeatInterval(), grace);
    }

    /**
     * The next {@code count} due times: for a period, if the device beats at {@code from}; for a
     * cron, its runs after {@code from}. For {@code heartwatch devices list}.
     */
    List<Instant> nextDue(Instant from, int count);

    /**
     * Whether Azure's alert can watch this schedule: its period (or its cron's longest gap
     * between runs over the year from {@code from}, daylight saving included) plus grace must
     * fit inside the alert query's lookback minus one evaluation, because the query only sees
     * beats inside its lookback and decides at its evaluations. The server takes any schedule.
     */
    AzureFit fitsAzure(Duration lookback, Duration evaluation, Instant from);

    /**
     * Every {@code period}, with {@code grace}: due {@code period} after the last beat, down
     * {@code grace} after that.
     */
    record Period(Duration period, Duration grace) implements Schedule {

        public Period {
            requireSpan(period, "period", "PT10M");
            requireSpan(grace, "grace", "PT5M");
        }

        @Override
        public List<Instant> nextDue(Instant from, int count) {
            requireCount(count);
            List<Instant> out = new ArrayList<>(count);
            for (int k = 1; k <= count; k++) {
                out.add(from.plus(period.multipliedBy(k)));
            }
            return List.copyOf(out);
        }

        @Override
        public AzureFit fitsAzure(Duration lookback, Duration evaluation, Instant from) {
            return AzureFit.of("period", period, grace, lookback, evaluation);
        }
    }

    /**
     * The runs of a five-field Unix cron {@code expression} on the wall clock of {@code zone},
     * as Debian's cron(8) runs them across daylight-saving changes ({@link CronRuns}); due at
     * each run, down {@code grace} after a run no beat answered.
     */
    final class Cron implements Schedule {
        private final String expression;
        private final ZoneId zone;
        private final Duration grace;
        private final CronRuns runs;

        /**
         * @throws IllegalArgumentException for an expression that is not five-field Unix cron
         *         (or a crontab nickname), or a grace that is not positive
         */
        public Cron(String expression, ZoneId zone, Duration grace) {
            CronFields fields = CronFields.parse(expression);
            Objects.requireNonNull(zone, "timeZone");
            requireSpan(grace, "grace", "PT1H");
            this.expression = expression.strip();
            this.zone = zone;
            this.grace = grace;
            this.runs = new CronRuns(fields, zone);
        }

        public String expression() {
            return expression;
        }

        public ZoneId zone() {
            return zone;
        }

        @Override
        public Duration grace() {
            return grace;
        }

        /** The last run at or before {@code t}, if it ever ran. */
        public Optional<Instant> lastRunAtOrBefore(Instant t) {
            return runs.lastAtOrBefore(t);
        }

        /** The first run strictly after {@code t}, if it ever runs again. */
        public Optional<Instant> nextRunAfter(Instant t) {
            return runs.nextAfter(t);
        }

        /** Every run in {@code [from, to)}, in order (history's runs on time). */
        public List<Instant> runsBetween(Instant from, Instant to) {
            return runs.between(from, to);
        }

        /** The longest time between two consecutive runs over the year from {@code from}. */
        public RunGap longestGap(Instant from) {
            return runs.longestGap(from, from.plus(Duration.ofDays(366)));
        }

        @Override
        public List<Instant> nextDue(Instant from, int count) {
            requireCount(count);
            List<Instant> out = new ArrayList<>(count);
            Instant t = from;
            while (out.size() < count) {
                Optional<Instant> next = runs.nextAfter(t);
                if (next.isEmpty()) {
                    break;
                }
                t = next.get();
                out.add(t);
            }
            return List.copyOf(out);
        }

        @Override
        public AzureFit fitsAzure(Duration lookback, Duration evaluation, Instant from) {
            RunGap gap = longestGap(from);
            return AzureFit.of("cron \"" + expression + "\" (" + zone + ")'s longest gap between runs, from "
                    + gap.after() + " to " + gap.before() + ",", gap.length(), grace, lookback, evaluation);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cron c && c.expression.equals(expression) && c.zone.equals(zone)
                    && c.grace.equals(grace);
        }

        @Override
        public int hashCode() {
            return Objects.hash(expression, zone, grace);
        }

        @Override
        public String toString() {
            return "Cron[" + expression + ", " + zone + ", grace " + grace + "]";
        }
    }

    private static void requireSpan(Duration d, String name, String example) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive ISO-8601 duration such as "
                    + example + ": got " + d);
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at most P366D: got " + d);
        }
    }

    private static void requireCount(int count) {
        if (count < 1 || count > 1000) {
            throw new IllegalArgumentException("count of due times must be 1 to 1000: got " + count);
        }
    }
}
