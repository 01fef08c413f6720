package dev.heartwatch.server.dashboard;

import java.util.Objects;

/**
 * A device's name and live status, without its history: what the dashboard counts, filters and
 * orders every device by before it computes the full {@link DeviceView} of one page of them.
 *
 * @param device the device id
 * @param status the same word as {@link DeviceView#status}
 */
public record DeviceSummary(String device, String status) {
    public DeviceSummary {
        Objects.requireNonNull(device, "device");
        DeviceStatusName.require(status, "status");
    }
}
