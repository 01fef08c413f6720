package dev.heartwatch.server.store;

import dev.heartwatch.core.rule.DeviceFacts;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.RunSignals;
import java.time.Duration;
import java.time.Instant;

/**
 * What the store knows about one device: its beats' summary and its alert state. Fields are
 * null when unknown (never heard, never evaluated, never muted).
 *
 * @param status       the last status the evaluator recorded (UNKNOWN before the first)
 * @param since        when that status began (the flip's {@code at})
 * @param alertOpen    a "fired" notification was raised and no "resolved" yet
 * @param lastNotified when the last notification that was not suppressed was raised
 * @param lastIp       the client address of the last heartbeat, when it had one
 * @param lastRunning  its last heartbeat that did not say {@code stopping}, when there is one
 * @param parent       the device its last beat said it runs behind (an agent's check: the agent), or null
 * @param beatPeriod   the {@code period} its last beat carried, or null
 * @param beatGrace    the {@code grace} its last beat carried (may be zero), or null
 * @param signals      its last success, start and fail (contract v2), for the rule
 * @param lastDurationMs the {@code durationMs} of its latest beat that carried one (contract v2:
 *                     a success or a fail measured by its sender), or null
 */
public record DeviceRecord(String device, Instant firstSeen, Instant lastSeen, boolean lastStopping,
                           DeviceStatus status, Instant since, boolean alertOpen, Instant mutedUntil,
                           Instant retiredAt, Instant lastNotified, String lastIp, Instant lastRunning,
                           String parent, Duration beatPeriod, Duration beatGrace, RunSignals signals,
                           Long lastDurationMs) {

    public DeviceRecord {
        signals = signals == null ? RunSignals.none() : signals;
    }

    /** A record without a measured run duration. */
    public DeviceRecord(String device, Instant firstSeen, Instant lastSeen, boolean lastStopping,
                        DeviceStatus status, Instant since, boolean alertOpen, Instant mutedUntil,
                        Instant retiredAt, Instant lastNotified, String lastIp, Instant lastRunning,
                        String parent, Duration beatPeriod, Duration beatGrace, RunSignals signals) {
        this(device, firstSeen, lastSeen, lastStopping, status, since, alertOpen, mutedUntil, retiredAt, lastNotified,
                lastIp, lastRunning, parent, beatPeriod, beatGrace, signals, null);
    }

    /** A record without start or fail signals (a v1 sender's). */
    public DeviceRecord(String device, Instant firstSeen, Instant lastSeen, boolean lastStopping,
                        DeviceStatus status, Instant since, boolean alertOpen, Instant mutedUntil,
                        Instant retiredAt, Instant lastNotified, String lastIp, Instant lastRunning,
                        String parent, Duration beatPeriod, Duration beatGrace) {
        this(device, firstSeen, lastSeen, lastStopping, status, since, alertOpen, mutedUntil, retiredAt, lastNotified,
                lastIp, lastRunning, parent, beatPeriod, beatGrace, RunSignals.none());
    }

    /** A device whose last beat named no parent and no schedule, and no start or fail. */
    public DeviceRecord(String device, Instant firstSeen, Instant lastSeen, boolean lastStopping,
                        DeviceStatus status, Instant since, boolean alertOpen, Instant mutedUntil,
                        Instant retiredAt, Instant lastNotified, String lastIp, Instant lastRunning) {
        this(device, firstSeen, lastSeen, lastStopping, status, since, alertOpen, mutedUntil, retiredAt, lastNotified,
                lastIp, lastRunning, null, null, null, RunSignals.none());
    }

    /** A device expected (or muted, retired ahead) but never heard from nor evaluated. */
    public static DeviceRecord neverSeen(String device) {
        return new DeviceRecord(device, null, null, false, DeviceStatus.UNKNOWN, null, false, null, null, null, null, null);
    }

    public DeviceFacts facts() {
        return lastSeen == null ? DeviceFacts.neverSeen(device) : new DeviceFacts(device, lastSeen, lastStopping,
                lastStopping ? lastRunning : lastSeen);
    }

    public boolean retired() {
        return retiredAt != null;
    }

    public boolean mutedAt(Instant now) {
        return mutedUntil != null && now.isBefore(mutedUntil);
    }
}
