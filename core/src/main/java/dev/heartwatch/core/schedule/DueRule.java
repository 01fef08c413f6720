package dev.heartwatch.core.schedule;

import dev.heartwatch.core.rule.DeviceFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, per device, "due at", "late after" and "down after" from its schedule, its stored
 * facts and {@code now} (no clock is read), healthchecks.io's way: the last beat answers due
 * times up to some point; the first due time it does not answer starts LATE; its grace ending
 * makes it DOWN. Every boundary is inclusive ({@code >=}), as {@code SilenceRule}'s threshold is.
 *
 * <ul>
 *   <li>Period: due {@code period} after the last beat.</li>
 *   <li>Cron: due at the first run after the last beat that the beat does not count for. A beat
 *       counts for a run it comes up to {@code earlyTolerance} before (a host clock a little
 *       fast), but never more than half the time since the previous run, so one beat never
 *       answers two runs. Equivalently: the last run at or before {@code now} is answered when
 *       a beat came since that run, minus the tolerance.</li>
 * </ul>
 *
 * <p>Written beside {@code SilenceRule}, not into it, for the lead to wire: with
 * {@link Schedule#DEFAULT} it decides DOWN exactly when {@code SilenceRule.recommended()} does
 * ({@code DueRuleTest} checks it). Issue 16 §5 (start and fail signals) extends
 * the due time a beat answers up to, and {@link #decide}: a {@code fail} after the last success is DOWN at
 * once, a {@code start} after it moves {@code lateAt} to start + grace.
 *
 * @param earlyTolerance how early a beat may come and still count for the coming cron run
 */
public record DueRule(Duration earlyTolerance) {

    /** A minute: far more than NTP-kept clocks drift, far less than a job's usual period. */
    public static final Duration DEFAULT_EARLY_TOLERANCE = Duration.ofMinutes(1);

    public DueRule {
        Objects.requireNonNull(earlyTolerance, "earlyTolerance");
        if (earlyTolerance.isNegative()) {
            throw new IllegalArgumentException("earlyTolerance must not be negative: " + earlyTolerance);
        }
    }

    public static DueRule standard() {
        return new DueRule(DEFAULT_EARLY_TOLERANCE);
    }

    /** The device's standing at {@code now}. */
    public Due decide(Schedule schedule, DeviceFacts facts, Instant now) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(now, "now");
        Instant lastSeen = facts.lastSeen();
        if (lastSeen == null) {
            return new Due(DueStatus.NEVER_HEARD, null, null, null, "never heard");
        }
        if (facts.lastStopping()) {
            return new Due(DueStatus.STOPPED, null, null, null, "clean stop at " + lastSeen);
        }
        Optional<Instant> due = answeredUntil(schedule, lastSeen);
        if (due.isEmpty()) {
            return new Due(DueStatus.UP, null, null, null,
                    "heartbeat at " + lastSeen + "; its schedule never runs again");
        }
        Instant dueAt = due.get();
        Instant downAt = dueAt.plus(schedule.grace());
        if (now.isBefore(dueAt)) {
            return new Due(DueStatus.UP, dueAt, dueAt, downAt, "heartbeat at " + lastSeen + ", next due at " + dueAt);
        }
        if (now.isBefore(downAt)) {
            return new Due(DueStatus.LATE, dueAt, dueAt, downAt,
                    "due at " + dueAt + ", no heartbeat since " + lastSeen + "; down at " + downAt);
        }
        return new Due(DueStatus.DOWN, dueAt, dueAt, downAt, "due at " + dueAt + ", no heartbeat since "
                + lastSeen + "; its grace " + schedule.grace() + " ended at " + downAt);
    }

    /** The first due time the beat at {@code answer} does not answer (empty: none ever again). */
    private Optional<Instant> answeredUntil(Schedule schedule, Instant answer) {
        if (schedule instanceof Schedule.Period p) {
            return Optional.of(answer.plus(p.period()));
        }
        Schedule.Cron cron = (Schedule.Cron) schedule;
        Optional<Instant> first = cron.nextRunAfter(answer);
        if (first.isPresent() && countsFor(cron, answer, first.get())) {
            return cron.nextRunAfter(first.get());
        }
        return first;
    }

    /** Whether a beat at {@code beat}, before {@code run}, came early enough to count for it. */
    private boolean countsFor(Schedule.Cron cron, Instant beat, Instant run) {
        return !beat.isBefore(countsFrom(cron.lastRunAtOrBefore(run.minusNanos(1)).orElse(null), run));
    }

    /**
     * The earliest instant a beat counts for {@code run}: {@code run} minus the early tolerance,
     * but never more than half the time since {@code previousRun} ({@code null}: none), so one
     * beat never answers two runs. History's runs on time use the same bound.
     */
    public Instant countsFrom(Instant previousRun, Instant run) {
        // In nanoseconds: Duration.dividedBy goes through BigDecimal, and history asks this once
        // per run (8,640 a month for a five-minute job). Two runs are never 292 years apart.
        long tolerance = earlyTolerance.toNanos();
        if (previousRun != null) {
            long half = Duration.between(previousRun, run).toNanos() / 2;
            tolerance = Math.min(tolerance, half);
        }
        return run.minusNanos(tolerance);
    }
}
