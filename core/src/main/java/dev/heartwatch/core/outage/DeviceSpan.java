package dev.heartwatch.core.outage;

import dev.heartwatch.core.rule.BeatSchedule;

import java.time.Instant;
import java.util.Objects;

/**
 * What was read of one device's beats without reading them all: the first and last beat in the
 * range, how many there were, and whether the last one said {@code stopping}
 * ({@code history-daily.kql} gives it per day; {@link BeatGaps} from the beats), and the schedule
 * that last beat carried ({@code null}: none), which judges the open end ({@link Gap#schedule}).
 */
public record DeviceSpan(String device, Instant firstBeat, Instant lastBeat, long beats, boolean lastStopping,
                         BeatSchedule lastSchedule) {

    /** A span whose last beat carried no schedule. */
    public DeviceSpan(String device, Instant firstBeat, Instant lastBeat, long beats, boolean lastStopping) {
        this(device, firstBeat, lastBeat, beats, lastStopping, null);
    }
    public DeviceSpan {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(firstBeat, "firstBeat");
        Objects.requireNonNull(lastBeat, "lastBeat");
        if (lastBeat.isBefore(firstBeat)) {
            throw new IllegalArgumentException("span of " + device + " ends before it starts");
        }
        if (beats < 1) {
            throw new IllegalArgumentException("span of " + device + " without a beat");
        }
    }

    /** This span and a later or earlier one of the same device, as one. */
    public DeviceSpan join(DeviceSpan other) {
        if (!device.equals(other.device)) {
            throw new IllegalArgumentException("spans of " + device + " and " + other.device);
        }
        Instant first = firstBeat.isBefore(other.firstBeat) ? firstBeat : other.firstBeat;
        DeviceSpan latest = other.lastBeat.isAfter(lastBeat) ? other : this;
        return new DeviceSpan(device, first, latest.lastBeat, beats + other.beats, latest.lastStopping,
                latest.lastSchedule);
    }

    /** The silence after the last beat, still open. */
    public Gap openEnd() {
        return new Gap(device, lastBeat, null, lastStopping, lastSchedule);
    }
}
