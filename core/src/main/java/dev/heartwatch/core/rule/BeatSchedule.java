package dev.heartwatch.core.rule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The schedule a device's own beats ask for (issue 17): an agent's check sends its {@code period}
 * and {@code grace} with every beat (contract section 1a, {@code periodMs} and {@code graceMs} in
 * its {@code [heartbeat]} line), so that a receiver nobody told about the check judges it on them
 * rather than on the one global threshold, and a check that runs every five minutes does not flap
 * on a five-minute threshold. The one rule the server ({@code BeatSchedules}), Azure's query
 * ({@code infra/queries/silent-devices.kql}) and its model ({@link AzureAlertModel}) share.
 *
 * <p>Precedence: a registered schedule wins over the beat's own, which wins over the default
 * ({@link SilenceRule}'s threshold). The device's latest beat decides: one without a period asks
 * for nothing.
 *
 * <p>Reading a beat's values: no period, or one not positive, asks for nothing; no grace is the
 * period; a grace below {@link #LEAST_GRACE} (the agent allows zero) is {@link #LEAST_GRACE}, so the
 * device is down at its first evaluation after the missed due time; a period or grace beyond
 * {@link #LONGEST} (the contract caps both lower, {@code Limits.MAX_SCHEDULE_MILLIS}, but a stored
 * row is never trusted further) asks for nothing.
 *
 * <p>Judged as a threshold: down {@code period + grace} after the last beat ({@link #limit}), cut
 * to the lookback less one evaluation, since a receiver must see the device down before its last
 * beat leaves the lookback. A {@code start} gets {@code grace} ({@link #startGrace}), never more
 * than that limit.
 *
 * @param period the check's interval, positive
 * @param grace  how late a beat may be, at least {@link #LEAST_GRACE}
 */
public record BeatSchedule(Duration period, Duration grace) {
    /** The smallest grace kept; a beat's zero grace becomes this. */
    public static final Duration LEAST_GRACE = Duration.ofMillis(1);
    /** The longest period or grace believed (P366D, core's {@code Schedule.MAX_DURATION}). */
    public static final Duration LONGEST = Duration.ofDays(366);

    public BeatSchedule {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(grace, "grace");
        if (period.isNegative() || period.isZero() || period.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("period must be positive and at most " + LONGEST + ": " + period);
        }
        if (grace.compareTo(LEAST_GRACE) < 0 || grace.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("grace must be " + LEAST_GRACE + " to " + LONGEST + ": " + grace);
        }
    }

    /** What a beat's {@code period} and {@code grace} ask for (either may be null); empty for nothing. */
    public static Optional<BeatSchedule> of(Duration period, Duration grace) {
        if (period == null || period.isZero() || period.isNegative() || period.compareTo(LONGEST) > 0) {
            return Optional.empty();
        }
        Duration g = grace == null ? period : grace;
        if (g.compareTo(LEAST_GRACE) < 0) {
            g = LEAST_GRACE;
        }
        if (g.compareTo(LONGEST) > 0) {
            return Optional.empty();
        }
        return Optional.of(new BeatSchedule(period, g));
    }

    /** {@link #of(Duration, Duration)} from a line's {@code periodMs} and {@code graceMs}. */
    public static Optional<BeatSchedule> ofMillis(Long periodMs, Long graceMs) {
        // Bounded before converting, so no value overflows a Duration.
        if (periodMs == null || periodMs <= 0 || periodMs > LONGEST.toMillis()) {
            return Optional.empty();
        }
        if (graceMs != null && graceMs > LONGEST.toMillis()) {
            return Optional.empty();
        }
        return of(Duration.ofMillis(periodMs), graceMs == null ? null : Duration.ofMillis(Math.max(graceMs, 0)));
    }

    /**
     * The silence that means down: {@code period + grace}, at most {@code lookback - evaluation}
     * (zero or less when the lookback is no longer than one evaluation; a rule never has that).
     */
    public Duration limit(Duration lookback, Duration evaluation) {
        Duration sum = period.plus(grace);
        Duration longest = lookback.minus(evaluation);
        return sum.compareTo(longest) > 0 ? longest : sum;
    }

    /** {@link #limit(Duration, Duration)} with {@code rule}'s lookback and evaluation frequency. */
    public Duration limit(SilenceRule rule) {
        return limit(rule.lookback(), rule.evaluationFrequency());
    }

    /**
     * The rule to judge the device by: {@code base} with {@link #limit(SilenceRule)} as its
     * threshold, or {@code base} itself when that is its threshold already (or not positive, which
     * no rule's lookback and evaluation give).
     */
    public SilenceRule ruleFor(SilenceRule base) {
        Duration limit = limit(base);
        if (limit.isNegative() || limit.isZero() || limit.equals(base.threshold())) {
            return base;
        }
        return base.withThreshold(limit);
    }

    /**
     * What the aggregation policy compares with the parent's last beat (issue 17 section 4), to
     * tell a check that went silent with its agent from one that failed before: the instant its
     * next beat was due, its last beat plus its period, or plus the agent's heartbeat interval when
     * it sent no period or a shorter one (a check's beat travels in the agent's batch, once an
     * interval, so it may be up to a period and an interval older than the agent's and still be
     * "with" it).
     *
     * @param schedule the check's latest beat's schedule, or null
     */
    public static Instant heardUntil(Instant lastSeen, BeatSchedule schedule, Duration interval) {
        if (lastSeen == null) {
            return null;
        }
        Duration period = schedule == null ? null : schedule.period();
        return lastSeen.plus(period == null || period.compareTo(interval) < 0 ? interval : period);
    }

    /**
     * The gap after a beat with this schedule that means an outage in history (docs/history.md,
     * "The rule"): {@code period + grace}, or {@code threshold} when that is longer. Not cut to a
     * lookback: history reads a whole period and has none. {@code infra/queries/history-gaps.kql}
     * reads a beat's values and compares its gaps the same way.
     */
    public Duration outageGap(Duration threshold) {
        Duration sum = period.plus(grace);
        return sum.compareTo(threshold) > 0 ? sum : threshold;
    }

    /** {@link #outageGap(Duration)} of {@code schedule}, or {@code threshold} when it is null (a beat asking for nothing). */
    public static Duration outageGap(Duration threshold, BeatSchedule schedule) {
        return schedule == null ? threshold : schedule.outageGap(threshold);
    }

    /** The grace a {@code start} gets under {@code rule}: {@code grace}, at most {@link #limit(SilenceRule)}. */
    public Duration startGrace(SilenceRule rule) {
        Duration limit = limit(rule);
        return grace.compareTo(limit) > 0 ? limit : grace;
    }
}
