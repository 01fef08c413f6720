package dev.heartwatch.core.schedule;

import dev.heartwatch.core.contract.DeviceId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the device registry.
 *
 * @param id       sanitised device id
 * @param expected DOWN when silent even before its first beat or beyond the alert's lookback
 *                 (today's {@code expectedDevices}); a plain string in the file means {@code true}
 * @param schedule when it must beat ({@link Schedule#DEFAULT} when the entry names none)
 * @param channels names of the notification channels for this device, in order; empty means
 *                 the registry's default, else every configured channel
 *                 ({@link dev.heartwatch.core.notify.ChannelRouting})
 */
public record RegisteredDevice(String id, boolean expected, Schedule schedule, List<String> channels) {

    public RegisteredDevice {
        if (!DeviceId.isValid(id)) {
            throw new IllegalArgumentException("id " + ScheduleText.quote(id) + " is not a sanitised device id");
        }
        Objects.requireNonNull(schedule, "schedule");
        channels = List.copyOf(channels);
    }

    /** An expected device on the default schedule: what a plain string in the file means. */
    public static RegisteredDevice expected(String id) {
        return new RegisteredDevice(id, true, Schedule.DEFAULT, List.of());
    }

    /** Whether the entry is just its id in the file (expected, default schedule, all channels). */
    public boolean isPlain() {
        return expected && schedule.equals(Schedule.DEFAULT) && channels.isEmpty();
    }

    /** The next {@code count} due times after {@code from} (see {@link Schedule#nextDue}). */
    public List<Instant> nextDue(Instant from, int count) {
        return schedule.nextDue(from, count);
    }

    /** Whether Azure's alert can watch this device (see {@link Schedule#fitsAzure}). */
    public AzureFit fitsAzure(Duration lookback, Duration evaluation, Instant from) {
        return schedule.fitsAzure(lookback, evaluation, from);
    }
}
