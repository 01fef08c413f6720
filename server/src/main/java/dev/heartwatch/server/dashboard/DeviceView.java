package dev.heartwatch.server.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One device as the dashboard shows it.
 *
 * @param device    the device id
 * @param status    {@code up}, {@code down}, {@code muted}, {@code stopped}, {@code retired} or {@code unknown}
 * @param lastSeen  the receiver's time of its last heartbeat; null = never heard
 * @param ip        the client address of its last heartbeat; null = unknown
 * @param uptime24h uptime in percent over the last 24 hours; null = nothing monitored
 * @param uptime7d  same over 7 days
 * @param uptime30d same over 30 days
 * @param trail     recent statuses (same words as {@code status}), oldest first, e.g. one per hour
 */
public record DeviceView(String device, String status, Instant lastSeen, String ip,
                         Double uptime24h, Double uptime7d, Double uptime30d, List<String> trail) {
    public DeviceView {
        Objects.requireNonNull(device, "device");
        DeviceStatusName.require(status, "status");
        trail = trail == null ? List.of() : List.copyOf(trail);
        trail.forEach(s -> DeviceStatusName.require(s, "trail entry"));
    }
}
