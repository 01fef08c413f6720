package dev.heartwatch.core.rule;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows about one device: enough for {@link SilenceRule#status}.
 *
 * @param device       device id
 * @param lastSeen     receiver time of its last heartbeat, {@code null} if never heard
 * @param lastStopping whether that last heartbeat said {@code stopping}
 * @param lastRunning  receiver time of its last heartbeat that did not say {@code stopping},
 *                     {@code null} if none: whether a stop came from a device that was up
 */
public record DeviceFacts(String device, Instant lastSeen, boolean lastStopping, Instant lastRunning) {

    public DeviceFacts {
        Objects.requireNonNull(device, "device");
        if (lastSeen == null && lastStopping) {
            throw new IllegalArgumentException("a device never heard cannot have stopped: " + device);
        }
        if (lastRunning != null && (lastSeen == null || lastRunning.isAfter(lastSeen))) {
            throw new IllegalArgumentException("the last running beat is a beat, not after the last: " + device);
        }
        if (lastSeen != null && !lastStopping && !lastSeen.equals(lastRunning)) {
            throw new IllegalArgumentException("a last beat that did not stop is the last running one: " + device);
        }
    }

    /**
     * Facts from a store that keeps only the last beat (the alert query's rows): a stop is taken
     * as coming from a device that was up, as Azure's query takes it.
     */
    public DeviceFacts(String device, Instant lastSeen, boolean lastStopping) {
        this(device, lastSeen, lastStopping, lastSeen);
    }

    /** A device the store has never heard from. */
    public static DeviceFacts neverSeen(String device) {
        return new DeviceFacts(device, null, false, null);
    }

    /** The facts after one more beat. */
    public static DeviceFacts of(Beat last) {
        return new DeviceFacts(last.device(), last.at(), last.stopping());
    }
}
