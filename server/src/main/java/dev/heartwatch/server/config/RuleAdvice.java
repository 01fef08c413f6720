package dev.heartwatch.server.config;

import dev.heartwatch.core.rule.SilenceRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Warnings for silence-rule settings that {@link SilenceRule} accepts but that detect an outage
 * later (or wrongly) beyond what docs/alerting.md's timing table documents. An evaluation slower
 * than the threshold is a documented, cheaper choice (PT15M with PT3M is in the table), so it
 * is not refused; PT1H with PT10S is far outside it and gets said out loud at start.
 */
final class RuleAdvice {
    private RuleAdvice() {
    }

    /** The slowest evaluation frequency in docs/alerting.md's table ({@code RuleAdviceTest} reads it). */
    static final Duration SLOWEST_DOCUMENTED_EVALUATION = Duration.ofMinutes(15);

    /** The widest evaluation-to-threshold ratio in that table: PT15M with PT3M. */
    static final long WIDEST_DOCUMENTED_RATIO = 5;

    static List<String> warnings(SilenceRule rule) {
        List<String> out = new ArrayList<>();
        Duration every = rule.evaluationFrequency();
        Duration threshold = rule.threshold();
        String worst = "a silent device is reported up to " + threshold.plus(every)
                + " after its last heartbeat (threshold + one evaluation)";
        if (every.compareTo(SLOWEST_DOCUMENTED_EVALUATION) > 0) {
            out.add("HEARTWATCH_EVALUATION_FREQUENCY " + every + " is slower than any in docs/alerting.md's table (at most "
                    + SLOWEST_DOCUMENTED_EVALUATION + "): " + worst);
        } else if (every.compareTo(threshold.multipliedBy(WIDEST_DOCUMENTED_RATIO)) > 0) {
            out.add("HEARTWATCH_EVALUATION_FREQUENCY " + every + " is more than " + WIDEST_DOCUMENTED_RATIO
                    + " times HEARTWATCH_THRESHOLD " + threshold + " (docs/alerting.md's widest: PT15M with PT3M): " + worst);
        }
        if (threshold.compareTo(rule.heartbeatInterval()) <= 0) {
            out.add("HEARTWATCH_THRESHOLD " + threshold + " is not longer than HEARTWATCH_HEARTBEAT_INTERVAL "
                    + rule.heartbeatInterval() + ": a device beating on time is declared DOWN between two beats");
        }
        return out;
    }
}
