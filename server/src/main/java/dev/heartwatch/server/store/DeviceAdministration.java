package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.DeviceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Mute and retire: the one implementation behind the admin API ({@code DeviceAdminHandler}), the
 * dashboard's buttons ({@code StoreDashboardSource}) and the {@code devices} CLI, so the three
 * accept the same device ids and durations and write the same rows.
 */
public final class DeviceAdministration {
    /** A mute longer than this is a retirement in disguise; refused. */
    public static final Duration MAX_MUTE = Duration.ofDays(366);

    private final HeartwatchStore store;
    private final Set<String> expectedDevices;

    public DeviceAdministration(HeartwatchStore store, Set<String> expectedDevices) {
        this.store = Objects.requireNonNull(store, "store");
        this.expectedDevices = Set.copyOf(expectedDevices);
    }

    /** A device the server has heard from, evaluated, muted, retired, or expects. */
    public boolean knows(String device) {
        return expectedDevices.contains(device) || store.devices().knows(device);
    }

    /**
     * Mutes {@code device}'s notifications for {@code duration} from {@code now} (flips are still
     * recorded) and returns when the mute ends. A device not heard from yet may be muted ahead.
     *
     * @throws IllegalArgumentException for a malformed device id or a duration outside PT1S..P366D
     */
    public Instant mute(String device, Duration duration, Instant now) {
        requireDeviceId(device);
        if (duration == null || duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_MUTE) > 0) {
            throw new IllegalArgumentException("the mute duration must be from PT1S to " + MAX_MUTE + " (retire a device instead)");
        }
        Instant until = now.plus(duration);
        store.devices().mute(device, until);
        return until;
    }

    /**
     * Retires {@code device} at {@code now}: never evaluated, never alerting again.
     *
     * @throws IllegalArgumentException for a malformed device id
     */
    public Instant retire(String device, Instant now) {
        requireDeviceId(device);
        store.devices().retire(device, now);
        return now;
    }

    private static void requireDeviceId(String device) {
        if (device == null || !DeviceId.isValid(device)) {
            throw new IllegalArgumentException("not a device id (lower case [a-z0-9._-], at most 64 characters)");
        }
    }
}
