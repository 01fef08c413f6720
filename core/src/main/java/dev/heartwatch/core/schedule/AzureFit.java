package dev.heartwatch.core.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether Azure's alert can watch a schedule, and why. Azure's log search alert reads at most
 * two days ({@code SilenceRule.MAX_LOOKBACK}) and decides only at its evaluations, so a device's
 * longest silence that is still fine ({@code span + grace}) must end at least one evaluation
 * before a beat leaves the lookback: {@code needed <= lookback - evaluation}.
 *
 * @param fits   whether {@code needed <= limit}
 * @param needed the schedule's period (or longest cron gap) plus its grace
 * @param limit  the lookback minus one evaluation
 * @param reason one sentence for the operator, with the figures
 */
public record AzureFit(boolean fits, Duration needed, Duration limit, String reason) {

    public AzureFit {
        Objects.requireNonNull(needed, "needed");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(reason, "reason");
    }

    static AzureFit of(String what, Duration span, Duration grace, Duration lookback, Duration evaluation) {
        Objects.requireNonNull(lookback, "lookback");
        Objects.requireNonNull(evaluation, "evaluation");
        if (evaluation.isNegative() || evaluation.isZero() || evaluation.compareTo(lookback) >= 0) {
            throw new IllegalArgumentException("evaluation " + evaluation + " must be positive and shorter than the lookback " + lookback);
        }
        Duration needed = span.plus(grace);
        Duration limit = lookback.minus(evaluation);
        boolean fits = needed.compareTo(limit) <= 0;
        String sums = what + " " + ScheduleText.format(span) + " plus grace " + ScheduleText.format(grace)
                + " is " + ScheduleText.format(needed);
        String window = "lookback " + ScheduleText.format(lookback) + " minus one evaluation " + ScheduleText.format(evaluation);
        String reason = fits
                ? sums + ", within Azure's limit of " + ScheduleText.format(limit) + " (" + window + ")"
                : sums + ", beyond Azure's limit of " + ScheduleText.format(limit) + " (the alert query reads at most its "
                        + window + "): shorten it to fit, or watch this device with the server, which takes any schedule";
        return new AzureFit(fits, needed, limit, reason);
    }
}
