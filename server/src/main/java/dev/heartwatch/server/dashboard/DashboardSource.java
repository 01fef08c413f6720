package dev.heartwatch.server.dashboard;

import dev.heartwatch.server.store.AdminState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the dashboard needs from the server. The server implements it over its store and
 * evaluator; the dashboard never reads the clock itself, so every call gets {@code now}.
 * Implementations must be safe to call from several HTTP threads at once.
 */
public interface DashboardSource {

    /** Every device the server knows (expected or heard from), in display order. */
    List<DeviceView> devices(Instant now);

    /**
     * Every device's name and status at {@code now}: cheap enough for thousands of devices (no
     * history is read), so the dashboard can count, filter and order them all, then ask
     * {@link #devices(List, Instant)} for one page.
     */
    default List<DeviceSummary> summaries(Instant now) {
        return devices(now).stream().map(d -> new DeviceSummary(d.device(), d.status())).toList();
    }

    /** The full views of {@code devices} (names from {@link #summaries}), in that order; unknown names are left out. */
    default List<DeviceView> devices(List<String> devices, Instant now) {
        Map<String, DeviceView> all = new LinkedHashMap<>();
        for (DeviceView d : devices(now)) {
            all.put(d.device(), d);
        }
        return devices.stream().filter(all::containsKey).map(all::get).toList();
    }

    /**
     * Client addresses that sent many probes (requests without a device) and no heartbeat lately:
     * most likely an agent started without {@code HEARTBEAT_DEVICE}. Empty when there are none.
     */
    default List<ProbeWarning> probeWarnings(Instant now) {
        return List.of();
    }

    /**
     * Whether {@code device} is one of {@link #devices}: a store answers it by one key lookup,
     * without computing every device's figures.
     */
    default boolean knows(String device, Instant now) {
        return devices(now).stream().anyMatch(d -> d.device().equals(device));
    }

    /**
     * The outages of {@code device} that overlap {@code [from, to)}, oldest first; an ongoing
     * one has {@code end == null}. Empty when the device had none.
     */
    List<OutageView> outages(String device, Instant from, Instant to, Instant now);

    /**
     * Silences {@code device}'s alerts for {@code duration} from {@code now} (checked by
     * {@code DeviceAdministration}); empty when no such device.
     */
    Optional<AdminState> mute(String device, Duration duration, Instant now);

    /** Ends {@code device}'s mute; empty when no such device. */
    Optional<AdminState> unmute(String device, Instant now);

    /** Stops expecting {@code device} (it no longer alerts) from {@code now}; empty when no such device. */
    Optional<AdminState> retire(String device, Instant now);

    /** Restores a retired {@code device}; empty when no such device. */
    Optional<AdminState> unretire(String device, Instant now);
}
