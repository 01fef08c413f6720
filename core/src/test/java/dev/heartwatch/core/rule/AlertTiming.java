package dev.heartwatch.core.rule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Worst-case timing of a rule, measured by running {@link AzureAlertModel} over every phase of
 * the evaluation grid (one-second steps) for a device that beats once per
 * {@code heartbeatInterval}: so the figures in {@code docs/alerting.md} come from the model, not
 * from arithmetic typed by hand.
 *
 * @param downAfterLastBeat     longest time from the last heartbeat to the Fired evaluation
 * @param resolvedAfterFirstBeat longest time from the first heartbeat back to the Resolved
 *                              evaluation (beats queryable as they arrive)
 * @param falseAlarmWhenLate    whether a healthy device whose every beat becomes queryable
 *                              {@code lateBy} after it arrived fires at some phase
 */
public record AlertTiming(Duration downAfterLastBeat, Duration resolvedAfterFirstBeat, boolean falseAlarmWhenLate) {

    private static final Instant BASE = Instant.parse("2026-01-05T00:00:00Z");
    private static final Duration STEP = Duration.ofSeconds(1);

    /** Runs the scenarios; a few hundred thousand model evaluations for a 15-minute rule. */
    public static AlertTiming measure(SilenceRule rule, Duration lateBy) {
        Duration f = rule.evaluationFrequency();
        Duration interval = rule.heartbeatInterval();
        Duration silence = rule.threshold().plus(f).multipliedBy(2); // long enough to fire at any phase
        Duration tail = f.multipliedBy(rule.cleanEvaluationsToResolve() + 2L);
        Duration warmUp = rule.threshold().plus(f).multipliedBy(2);
        Duration worstDown = Duration.ZERO;
        Duration worstResolved = Duration.ZERO;
        boolean falseAlarm = false;
        for (Duration phase = Duration.ZERO; phase.compareTo(f) < 0; phase = phase.plus(STEP)) {
            Instant firstBeat = BASE.plus(phase);
            Instant lastBeat = firstBeat.plus(warmUp);
            Instant back = lastBeat.plus(silence);
            Instant end = back.plus(tail);
            List<Beat> beats = new ArrayList<>();
            addBeats(beats, firstBeat, lastBeat, interval, Duration.ZERO);
            addBeats(beats, back, end, interval, Duration.ZERO);
            List<AlertEvent> events = AzureAlertModel.evaluate(rule, beats, BASE, end);
            if (events.size() != 2 || events.get(0).kind() != AlertEvent.Kind.FIRED
                    || events.get(1).kind() != AlertEvent.Kind.RESOLVED) {
                throw new IllegalStateException("expected one Fired and one Resolved at phase " + phase + ": " + events);
            }
            worstDown = max(worstDown, Duration.between(lastBeat, events.get(0).at()));
            worstResolved = max(worstResolved, Duration.between(back, events.get(1).at()));

            List<Beat> healthy = new ArrayList<>();
            addBeats(healthy, firstBeat, end, interval, lateBy);
            falseAlarm |= !AzureAlertModel.evaluate(rule, healthy, lastBeat, end).isEmpty();
        }
        return new AlertTiming(worstDown, worstResolved, falseAlarm);
    }

    private static void addBeats(List<Beat> out, Instant from, Instant to, Duration step, Duration delay) {
        for (Instant at = from; !at.isAfter(to); at = at.plus(step)) {
            out.add(new Beat("device", at, at.plus(delay), false));
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
