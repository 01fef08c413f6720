package dev.heartwatch.core.rule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The per-device silence rule: a device silent for at least {@code threshold} is down, a device
 * heard again is up, a device whose last beat said {@code stopping} is paused for at most
 * {@code maxStop}, and only if it was up when it stopped (see {@link #stopCounts}).
 *
 * <p>Three instants, defined here once (see {@code docs/alerting.md}):
 * <ul>
 *   <li>{@code lastSeen}: receiver time of the device's last heartbeat;</li>
 *   <li>{@link #declaredDownAt} = {@code lastSeen + threshold}: the first instant anyone can
 *       know the device is down (what the alert knows; a DOWN {@link Flip} carries it);</li>
 *   <li>{@link #outageStart} = {@code lastSeen + heartbeatInterval}: the first beat that did
 *       not come, used when the agent did not report the exact start. Durations and uptime
 *       come from outage start and end, never from alert times.</li>
 * </ul>
 *
 * <p>The boundaries are inclusive: at exactly {@code lastSeen + threshold} the device is DOWN
 * (the KQL uses {@code >=}), and it drops out of the lookback at exactly
 * {@code lastSeen + lookback} (the KQL keeps {@code timestamp > ago(lookback)}).
 *
 * @param threshold           silence that means down
 * @param evaluationFrequency how often Azure runs the alert query ({@code evaluationFrequency})
 * @param lookback            how far back the query looks for each device's last beat; at most
 *                            {@link #MAX_LOOKBACK}, Azure's limit for a log search alert query
 * @param heartbeatInterval   the agent's beat period, for {@link #outageStart}
 * @param expectedDevices     devices that are DOWN when silent even before their first beat or
 *                            beyond the lookback (the KQL joins them in)
 * @param maxStop             how long a clean stop pauses a device: silent that long after it,
 *                            the device is DOWN (from the threshold to the lookback, so Azure's
 *                            query still sees the stop)
 */
public record SilenceRule(Duration threshold, Duration evaluationFrequency, Duration lookback,
                          Duration heartbeatInterval, Set<String> expectedDevices, Duration maxStop) {

    /** Azure's maximum time range for a log search alert query (two days). */
    public static final Duration MAX_LOOKBACK = Duration.ofDays(2);

    /**
     * How long a clean stop pauses a device by default (or the lookback, if shorter): a day
     * covers a restart, an upgrade or a night's maintenance; a device stopped for longer is
     * gone, and saying so is the point of a dead-man's switch (mute or retire it on purpose).
     */
    public static final Duration DEFAULT_MAX_STOP = Duration.ofDays(1);

    public SilenceRule {
        requirePositive(threshold, "threshold");
        requirePositive(evaluationFrequency, "evaluationFrequency");
        requirePositive(lookback, "lookback");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        if (lookback.compareTo(MAX_LOOKBACK) > 0) {
            throw new IllegalArgumentException("lookback " + lookback + " exceeds Azure's two-day limit for alert queries (P2D)");
        }
        if (lookback.compareTo(threshold) <= 0) {
            throw new IllegalArgumentException("lookback " + lookback + " must exceed threshold " + threshold);
        }
        expectedDevices = Set.copyOf(Objects.requireNonNull(expectedDevices, "expectedDevices"));
        requirePositive(maxStop, "maxStop");
        if (maxStop.compareTo(threshold) < 0 || maxStop.compareTo(lookback) > 0) {
            throw new IllegalArgumentException("maxStop " + maxStop + " must be from the threshold " + threshold
                    + " to the lookback " + lookback + " (Azure's query sees a stop only inside the lookback)");
        }
    }

    /**
     * The rule with the default {@link #maxStop}: {@link #DEFAULT_MAX_STOP}, or half the lookback
     * if that is shorter (but at least the threshold), so that the alert after a long stop comes
     * while the stop is still inside the lookback.
     */
    public SilenceRule(Duration threshold, Duration evaluationFrequency, Duration lookback,
                       Duration heartbeatInterval, Set<String> expectedDevices) {
        this(threshold, evaluationFrequency, lookback, heartbeatInterval, expectedDevices, defaultMaxStop(threshold, lookback));
    }

    private static Duration defaultMaxStop(Duration threshold, Duration lookback) {
        if (threshold == null || lookback == null) {
            return DEFAULT_MAX_STOP; // the canonical constructor names what is missing
        }
        Duration half = lookback.dividedBy(2);
        Duration bounded = half.compareTo(threshold) < 0 ? threshold : half;
        return bounded.compareTo(DEFAULT_MAX_STOP) < 0 ? bounded : DEFAULT_MAX_STOP;
    }

    /**
     * The recommended defaults (justified in {@code docs/alerting.md}): threshold PT5M,
     * evaluation every PT5M, lookback P2D, one beat a minute, no expected devices.
     */
    public static SilenceRule recommended() {
        return new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(5), MAX_LOOKBACK,
                Duration.ofMinutes(1), Set.of());
    }

    public SilenceRule withExpectedDevices(Set<String> devices) {
        return new SilenceRule(threshold, evaluationFrequency, lookback, heartbeatInterval, devices, maxStop);
    }

    public SilenceRule withThreshold(Duration newThreshold) {
        return new SilenceRule(newThreshold, evaluationFrequency, lookback, heartbeatInterval, expectedDevices,
                maxStop.compareTo(newThreshold) < 0 ? newThreshold : maxStop);
    }

    public SilenceRule withEvaluationFrequency(Duration frequency) {
        return new SilenceRule(threshold, frequency, lookback, heartbeatInterval, expectedDevices, maxStop);
    }

    public SilenceRule withMaxStop(Duration newMaxStop) {
        return new SilenceRule(threshold, evaluationFrequency, lookback, heartbeatInterval, expectedDevices, newMaxStop);
    }

    public boolean isExpected(String device) {
        return expectedDevices.contains(device);
    }

    /** {@code lastSeen + threshold}: when the alert can know the device is down. */
    public Instant declaredDownAt(Instant lastSeen) {
        return lastSeen.plus(threshold);
    }

    /** {@code lastSeen + heartbeatInterval}: the estimated outage start, absent an agent report. */
    public Instant outageStart(Instant lastSeen) {
        return lastSeen.plus(heartbeatInterval);
    }

    /**
     * How many consecutive evaluations that do not meet the condition Azure needs before it
     * resolves a fired stateful ({@code autoMitigate}) log search alert. Microsoft documents it
     * by frequency (learn.microsoft.com, azure-monitor/alerts/alerts-overview "Stateful alerts",
     * and alerts-create-log-alert-rule "Automatically resolve alerts"): 1 minute: not met for
     * 10 minutes; 5 to 15 minutes: three frequency periods; 15 minutes to 11 hours: two; 11 to
     * 12 hours: one. 15 minutes appears in two rows; this model takes the slower (three), so
     * the docs never promise a resolution earlier than Azure sends it. Frequencies below five
     * minutes, which Azure only offers as PT1M, are read as "not met for 10 minutes".
     */
    public int cleanEvaluationsToResolve() {
        long minutes = evaluationFrequency.toMinutes();
        if (evaluationFrequency.compareTo(Duration.ofMinutes(5)) < 0) {
            long tenMinutes = Duration.ofMinutes(10).toNanos();
            long f = evaluationFrequency.toNanos();
            return (int) Math.max(1, (tenMinutes + f - 1) / f);
        }
        if (minutes <= 15) {
            return 3;
        }
        if (evaluationFrequency.compareTo(Duration.ofHours(11)) < 0) {
            return 2;
        }
        return 1;
    }

    /**
     * Whether the device's last beat is a stop that counts: it said {@code stopping} and came
     * while the device was up (a running beat less than the threshold before it). A stop from a
     * device already silent that long is no proof of life: anyone holding a key can send one
     * (issue 14 D6), so the device is judged by its last running beat instead.
     */
    public boolean stopCounts(DeviceFacts facts) {
        return facts.lastStopping() && facts.lastRunning() != null
                && facts.lastSeen().isBefore(facts.lastRunning().plus(threshold));
    }

    /**
     * The status of one device at {@code now}, from stored facts only (no clock is read).
     * Order of the checks: a stop that does not {@linkplain #stopCounts count} is set aside
     * (the device is judged by its last running beat, or as never heard); never heard (DOWN if
     * expected, else UNKNOWN); a stop less than {@link #maxStop} ago (STOPPED); silent for at
     * least the lookback and not expected (UNKNOWN: Azure's query no longer returns it and
     * Azure resolves it by itself; list the device as expected to keep it DOWN); silent for at
     * least the threshold, or stopped for {@code maxStop} (DOWN); else UP.
     */
    public DeviceStatus status(DeviceFacts facts, Instant now) {
        Objects.requireNonNull(now, "now");
        facts = judged(facts);
        Instant lastSeen = facts.lastSeen();
        if (lastSeen == null) {
            return isExpected(facts.device()) ? DeviceStatus.DOWN : DeviceStatus.UNKNOWN;
        }
        if (facts.lastStopping() && now.isBefore(lastSeen.plus(maxStop))) {
            return DeviceStatus.STOPPED;
        }
        if (!isExpected(facts.device()) && !now.isBefore(lastSeen.plus(lookback))) {
            return DeviceStatus.UNKNOWN;
        }
        return now.isBefore(declaredDownAt(lastSeen)) ? DeviceStatus.UP : DeviceStatus.DOWN;
    }

    /** The facts the rule judges: a stop that does not count set aside. */
    public DeviceFacts judged(DeviceFacts facts) {
        if (!facts.lastStopping() || stopCounts(facts)) {
            return facts;
        }
        return facts.lastRunning() == null ? DeviceFacts.neverSeen(facts.device())
                : new DeviceFacts(facts.device(), facts.lastRunning(), false, facts.lastRunning());
    }

    /**
     * The flip to record if the device's status at {@code now} differs from {@code previous}
     * (what the store holds). Its {@link Flip#at()} is when the change really happened:
     * DOWN: {@code declaredDownAt} (for an expected device never heard: {@code now}; after a
     * clean stop: the stop plus {@code maxStop});
     * UP and STOPPED: the last beat; UNKNOWN: {@code lastSeen + lookback} (or {@code now}).
     */
    public Optional<Flip> flip(DeviceFacts facts, DeviceStatus previous, Instant now) {
        Objects.requireNonNull(previous, "previous");
        DeviceStatus current = status(facts, now);
        if (current == previous) {
            return Optional.empty();
        }
        boolean stopCounted = stopCounts(facts);
        boolean forgedStop = facts.lastStopping() && !stopCounted;
        String setAside = forgedStop ? " (the stopping beat at " + facts.lastSeen()
                + " came from a device already silent for the threshold: no proof of life)" : "";
        facts = judged(facts);
        Instant lastSeen = facts.lastSeen();
        Instant at;
        String reason;
        switch (current) {
            case DOWN:
                if (stopCounted) { // DOWN after a stop that counts: it lasted maxStop
                    at = lastSeen.plus(maxStop);
                    reason = "stopped cleanly at " + lastSeen + " and silent for the " + maxStop + " a stop may last";
                    break;
                }
                at = lastSeen == null ? now : declaredDownAt(lastSeen);
                reason = (lastSeen == null
                        ? "expected device has never sent a heartbeat"
                        : "no heartbeat for " + threshold + " since " + lastSeen) + setAside;
                break;
            case UP:
                at = lastSeen;
                reason = "heartbeat at " + lastSeen;
                break;
            case STOPPED:
                at = lastSeen;
                reason = "clean stop at " + lastSeen;
                break;
            default:
                at = lastSeen == null ? now : lastSeen.plus(lookback);
                reason = lastSeen == null
                        ? "no longer expected and never heard"
                        : "silent beyond the " + lookback + " lookback and not expected";
                break;
        }
        return Optional.of(new Flip(facts.device(), previous, current, at, reason));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
