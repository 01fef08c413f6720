package dev.heartwatch.core.history;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every device's history over one period: what the dashboard, the server's read side, the CLI
 * and its reports all show, computed once by {@link HistoryModel}.
 *
 * @param horizon the latest instant the facts cover ({@code min(readTo, now)})
 * @param devices in device order
 */
public record History(HistoryPeriod period, Duration threshold, Instant horizon, List<DeviceHistory> devices) {

    public History {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(horizon, "horizon");
        devices = List.copyOf(devices);
    }

    public Optional<DeviceHistory> device(String device) {
        return devices.stream().filter(d -> d.device().equals(device)).findFirst();
    }

    /** Downtime of every device together, inside the period. */
    public Duration totalDowntime() {
        return devices.stream().map(DeviceHistory::downtime).reduce(Duration.ZERO, Duration::plus);
    }

    public int outageCount() {
        return devices.stream().mapToInt(d -> d.outages().size()).sum();
    }

    /**
     * The same history with only the devices seen in the period itself: watched at some point of
     * it, or with an outage in it (not only in the margins read around it).
     */
    public History seenInPeriod() {
        return new History(period, threshold, horizon, devices.stream()
                .filter(d -> !d.total().monitored().isZero() || !d.outages().isEmpty())
                .toList());
    }
}
