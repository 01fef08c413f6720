package dev.heartwatch.core.rule;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows about one device: enough for {@link SilenceRule#status}.
 *
 * @param device       device id
 * @param lastSeen     receiver time of its last heartbeat, {@code null} if never heard
 * @param lastStopping whether that last heartbeat said {@code stopping}
 */
public record DeviceFacts(String device, Instant lastSeen, boolean lastStopping) {

    public DeviceFacts {
        Objects.requireNonNull(device, "device");
        if (lastSeen == null && lastStopping) {
            throw new IllegalArgumentException("a device never heard cannot have stopped: " + device);
        }
    }

    /** A device the store has never heard from. */
    public static DeviceFacts neverSeen(String device) {
        return new DeviceFacts(device, null, false);
    }

    /** The facts after one more beat. */
    public static DeviceFacts of(Beat last) {
        return new DeviceFacts(last.device(), last.at(), last.stopping());
    }
}
