package dev.heartwatch.core.schedule;

import dev.heartwatch.core.rule.DeviceFacts;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.Flip;
import dev.heartwatch.core.rule.RunSignals;
import dev.heartwatch.core.rule.SilenceRule;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-device rule the server runs (issue 16 §3, §5): {@link SilenceRule}'s frame (a stop
 * that counts, {@code maxStop}, the lookback, expected devices) around {@link DueRule}'s
 * decision on the device's own {@link Schedule} and its start and fail signals. With
 * {@link Schedule#defaultFor} the rule's own threshold and {@link RunSignals#none()} it decides
 * exactly what {@link SilenceRule#status} and {@link SilenceRule#flip} decide, reasons included
 * ({@code ScheduledRuleTest} checks it): a device nobody described is judged as before.
 *
 * <p>Order of the checks: a stop that does not count is set aside; never heard (DOWN if
 * expected, else UNKNOWN); silent for the lookback and not expected (UNKNOWN, as Azure's query
 * no longer sees it); a {@code fail} with no success after it (DOWN, a stop does not end it); a
 * counted stop (STOPPED for {@code maxStop}, DOWN after); then {@link DueRule}: DOWN from its
 * {@code downAt} (inclusive), else UP (LATE is UP for the alert: it is not down yet).
 *
 * @param silence the global rule: lookback, {@code maxStop}, the default schedule's threshold
 * @param due     the due-time rule
 */
public record ScheduledRule(SilenceRule silence, DueRule due) {

    public ScheduledRule {
        Objects.requireNonNull(silence, "silence");
        Objects.requireNonNull(due, "due");
    }

    public static ScheduledRule of(SilenceRule silence) {
        return new ScheduledRule(silence, DueRule.standard());
    }

    /** The schedule of a device nobody described: the global threshold's ({@link Schedule#defaultFor}). */
    public Schedule defaultSchedule() {
        return Schedule.defaultFor(silence);
    }

    /**
     * The device's status at {@code now}.
     *
     * @param expected DOWN when silent before its first beat or beyond the lookback (the global
     *                 rule's expected devices, or a registry entry that says so)
     */
    public DeviceStatus status(DeviceFacts facts, Schedule schedule, RunSignals signals, boolean expected, Instant now) {
        return decide(facts, schedule, signals, expected, now).status;
    }

    /** The flip to record if the status at {@code now} differs from {@code previous}. */
    public Optional<Flip> flip(DeviceFacts facts, Schedule schedule, RunSignals signals, boolean expected,
                               DeviceStatus previous, Instant now) {
        Objects.requireNonNull(previous, "previous");
        Decision d = decide(facts, schedule, signals, expected, now);
        if (d.status == previous) {
            return Optional.empty();
        }
        return Optional.of(new Flip(facts.device(), previous, d.status, d.at, d.reason));
    }

    /** Whether the device is DOWN at {@code now} because its last run failed (not silence). */
    public boolean downByFail(DeviceFacts facts, RunSignals signals, boolean expected, Instant now) {
        DeviceFacts judged = silence.judged(facts);
        return judged.lastSeen() != null && signals.failOpen() && !beyondLookback(judged, expected, now);
    }

    /**
     * What a DOWN flip's reason says caused it, for the message built from it: the reasons
     * {@link #flip} writes begin with these words.
     */
    public enum Cause {
        /** "failed …": the last run signalled {@code fail}. */
        FAIL,
        /** "started at …": a run opened with {@code start} and no success within grace. */
        START,
        /** "was due at …": a registered schedule's due time passed its grace. */
        DUE,
        /** Anything else: today's silence threshold (or a stop that lasted too long). */
        SILENCE;

        public static Cause of(String reason) {
            if (reason == null) {
                return SILENCE;
            }
            if (reason.startsWith("failed")) {
                return FAIL;
            }
            if (reason.startsWith("started at")) {
                return START;
            }
            return reason.startsWith("was due at") ? DUE : SILENCE;
        }
    }

    private record Decision(DeviceStatus status, Instant at, String reason) {
    }

    private Decision decide(DeviceFacts facts, Schedule schedule, RunSignals signals, boolean expected, Instant now) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(now, "now");
        boolean stopCounted = silence.stopCounts(facts);
        boolean forgedStop = facts.lastStopping() && !stopCounted;
        String setAside = forgedStop ? " (the stopping beat at " + facts.lastSeen()
                + " came from a device already silent for the threshold: no proof of life)" : "";
        DeviceFacts judged = silence.judged(facts);
        Instant lastSeen = judged.lastSeen();
        if (lastSeen == null) {
            return expected
                    ? new Decision(DeviceStatus.DOWN, now, "expected device has never sent a heartbeat" + setAside)
                    : new Decision(DeviceStatus.UNKNOWN, now, "no longer expected and never heard");
        }
        if (beyondLookback(judged, expected, now)) {
            return new Decision(DeviceStatus.UNKNOWN, lastSeen.plus(silence.lookback()),
                    "silent beyond the " + silence.lookback() + " lookback and not expected");
        }
        if (signals.failOpen()) {
            return new Decision(DeviceStatus.DOWN, signals.lastFail(), signals.failText() + " at " + signals.lastFail()
                    + "; down until its next success");
        }
        if (judged.lastStopping()) {
            if (now.isBefore(lastSeen.plus(silence.maxStop()))) {
                return new Decision(DeviceStatus.STOPPED, lastSeen, "clean stop at " + lastSeen);
            }
            return new Decision(DeviceStatus.DOWN, lastSeen.plus(silence.maxStop()),
                    "stopped cleanly at " + lastSeen + " and silent for the " + silence.maxStop() + " a stop may last");
        }
        Due d = due.decide(schedule, judged, signals, now);
        if (d.status() == DueStatus.DOWN) {
            String reason = signals.runOpen() ? d.reason()
                    : schedule.equals(defaultSchedule()) ? "no heartbeat for " + silence.threshold() + " since " + lastSeen
                    : "was due at " + d.dueAt() + " (" + describe(schedule) + "), no heartbeat since " + lastSeen
                    + "; its grace " + schedule.grace() + " ended at " + d.downAt();
            return new Decision(DeviceStatus.DOWN, d.downAt(), reason + setAside);
        }
        return new Decision(DeviceStatus.UP, lastSeen, signals.runOpen()
                ? "started at " + signals.lastStart() : "heartbeat at " + lastSeen);
    }

    private boolean beyondLookback(DeviceFacts judged, boolean expected, Instant now) {
        return !expected && judged.lastSeen() != null && !now.isBefore(judged.lastSeen().plus(silence.lookback()));
    }

    private static String describe(Schedule schedule) {
        if (schedule instanceof Schedule.Cron c) {
            return "cron \"" + c.expression() + "\" in " + c.zone();
        }
        return "every " + ((Schedule.Period) schedule).period();
    }
}
