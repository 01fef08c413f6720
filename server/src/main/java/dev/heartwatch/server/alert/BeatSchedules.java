package dev.heartwatch.server.alert;

import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.store.DeviceRecord;
import java.time.Duration;
import java.util.Optional;

/**
 * The schedule a device's own beats ask for (issue 17), read from its stored record: core's
 * {@link BeatSchedule} holds the rule (how a beat's {@code period} and {@code grace} are read, the
 * cap at the lookback less one evaluation), shared with Azure's query and its model.
 *
 * <p>Precedence: a registered schedule wins over the beat's own, which wins over the default
 * ({@link SilenceRule}'s threshold); the {@code Evaluator} applies the first, this class the
 * middle one.
 *
 * <p>As a {@link Schedule.Period}: due {@code period} after the last beat, down {@code grace}
 * after that, so down at {@code period + grace} after the last beat, which is exactly what the
 * threshold rule decides with that sum as its threshold ({@link #ruleFor}). A grace of zero
 * (the agent allows it) cannot be a {@code Schedule}'s grace, which must be positive: it is
 * read as one millisecond, so the device is down at its first evaluation after the missed due
 * time, as asked.
 */
public final class BeatSchedules {
    private BeatSchedules() {
    }

    /** The schedule the device's last beat asked for; empty when it sent no period. */
    public static Optional<Schedule> of(DeviceRecord r) {
        return BeatSchedule.of(r.beatPeriod(), r.beatGrace()).map(b -> new Schedule.Period(b.period(), b.grace()));
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
        Optional<BeatSchedule> s = BeatSchedule.of(r.beatPeriod(), r.beatGrace());
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Duration threshold = s.get().limit(base);
        if (threshold.isNegative() || threshold.isZero() || threshold.equals(base.threshold())) {
            return Optional.empty();
        }
        return Optional.of(threshold);
    }
}
