package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.DeviceId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Mute and retire and their undo: the one implementation behind the admin API ({@code DeviceAdminHandler}), the
 * dashboard's buttons ({@code StoreDashboardSource}) and the {@code devices} CLI, so the three
 * accept the same device ids and durations, write the same rows and answer the same
 * {@link AdminState}.
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
     * recorded). A device not heard from yet may be muted ahead.
     *
     * @throws IllegalArgumentException for a malformed device id or a duration outside PT1S..P366D
     */
    public AdminState mute(String device, Duration duration, Instant now) {
        requireDeviceId(device);
        if (duration == null || duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_MUTE) > 0) {
            throw new IllegalArgumentException("the mute duration must be from PT1S to " + MAX_MUTE + " (retire a device instead)");
        }
        store.devices().mute(device, now.plus(duration));
        return state(device, now);
    }

    /**
     * Ends {@code device}'s mute now: the next flip notifies again (one already recorded while
     * muted is not sent after the fact).
     *
     * @throws IllegalArgumentException for a malformed device id
     */
    public AdminState unmute(String device, Instant now) {
        requireDeviceId(device);
        store.devices().unmute(device);
        return state(device, now);
    }

    /**
     * Retires {@code device} at {@code now}: never evaluated, never alerting again.
     *
     * @throws IllegalArgumentException for a malformed device id
     */
    public AdminState retire(String device, Instant now) {
        requireDeviceId(device);
        store.devices().retire(device, now);
        return state(device, now);
    }

    /**
     * Restores a retired {@code device}: evaluated again from its stored facts at the next
     * evaluation, which records the flip from the status it had when retired, if any.
     *
     * @throws IllegalArgumentException for a malformed device id
     */
    public AdminState unretire(String device, Instant now) {
        requireDeviceId(device);
        store.devices().unretire(device);
        return state(device, now);
    }

    /** What the store holds of {@code device}'s mute and retirement at {@code now}. */
    public AdminState state(String device, Instant now) {
        return AdminState.of(device, store.devices().device(device).orElse(null), now);
    }

    private static void requireDeviceId(String device) {
        if (device == null || !DeviceId.isValid(device)) {
            throw new IllegalArgumentException("not a device id (lower case [a-z0-9._-], at most 64 characters)");
        }
    }
}
