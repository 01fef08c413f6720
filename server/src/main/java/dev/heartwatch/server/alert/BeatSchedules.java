package dev.heartwatch.server.alert;

import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.store.DeviceRecord;
import java.time.Duration;
import java.util.Optional;

/**
 * The schedule a device's own beats ask for (issue 17): an agent's check sends its
 * {@code period} and {@code grace} with every beat (contract section 1a), so that a receiver nobody told
 * about the check judges it on them rather than on the one global threshold, and a check that
 * runs every five minutes does not flap on a five-minute threshold.
 *
 * <p>Precedence, for the lead to wire with the device registry (issue 16): a registered
 * schedule wins over the beat's own, which wins over the default ({@link SilenceRule}'s
 * threshold). This class knows only the middle one.
 *
 * <p>As a {@link Schedule.Period}: due {@code period} after the last beat, down {@code grace}
 * after that, so down at {@code period + grace} after the last beat, which is exactly what the
 * threshold rule decides with that sum as its threshold ({@link #ruleFor}). A grace of zero
 * (the agent allows it) cannot be a {@code Schedule}'s grace, which must be positive: it is
 * read as one millisecond, so the device is down at its first evaluation after the missed due
 * time, as asked.
 */
public final class BeatSchedules {
    /** The smallest grace a {@link Schedule} holds; a beat's zero grace becomes this. */
    static final Duration LEAST_GRACE = Duration.ofMillis(1);

    private BeatSchedules() {
    }

    /** The schedule the device's last beat asked for; empty when it sent no period. */
    public static Optional<Schedule> of(DeviceRecord r) {
        Duration period = r.beatPeriod();
        if (period == null || period.isZero() || period.isNegative()) {
            return Optional.empty();
        }
        Duration grace = r.beatGrace() == null ? period : r.beatGrace();
        if (grace.compareTo(LEAST_GRACE) < 0) {
            grace = LEAST_GRACE;
        }
        if (period.compareTo(Schedule.MAX_DURATION) > 0 || grace.compareTo(Schedule.MAX_DURATION) > 0) {
            return Optional.empty(); // the contract caps both far lower (Limits); never trust a stored row further
        }
        return Optional.of(new Schedule.Period(period, grace));
    }

    /**
     * The silence rule to judge {@code r} by: {@code base} with the threshold its beats asked
     * for ({@code period + grace}), or {@code base} itself when they asked for none. The threshold
     * stays below the lookback, less one evaluation (the server must see a device down before
     * it drops out of the lookback as UNKNOWN): a schedule longer than that is cut to it.
     */
    public static SilenceRule ruleFor(SilenceRule base, DeviceRecord r) {
        return threshold(base, r).map(base::withThreshold).orElse(base);
    }

    /** The threshold {@link #ruleFor} gives {@code r}, when it differs from {@code base}'s. */
    public static Optional<Duration> threshold(SilenceRule base, DeviceRecord r) {
        Optional<Schedule> s = of(r);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Schedule.Period p = (Schedule.Period) s.get();
        Duration threshold = p.period().plus(p.grace());
        Duration longest = base.lookback().minus(base.evaluationFrequency());
        if (threshold.compareTo(longest) > 0) {
            threshold = longest;
        }
        if (threshold.isNegative() || threshold.isZero() || threshold.equals(base.threshold())) {
            return Optional.empty();
        }
        return Optional.of(threshold);
    }
}
