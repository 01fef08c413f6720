package dev.heartwatch.core.history;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every device's history over one period: what the dashboard, the server's read side, the CLI
 * and its reports all show, computed once by {@link HistoryModel}.
 *
 * @param horizon         the latest instant the facts cover ({@code min(readTo, now)})
 * @param devices         in device order
 * @param ownThresholds   per device whose latest beat read carried a schedule that raises the
 *                        threshold (issue 17), the silence that beat's schedule makes an outage
 *                        ({@code BeatSchedule.outageGap}); each gap is judged by the beat before
 *                        it, this is what a report shows
 */
public record History(HistoryPeriod period, Duration threshold, Instant horizon, List<DeviceHistory> devices,
                      SortedMap<String, Duration> ownThresholds) {

    /** A history in which every device is judged by the one threshold. */
    public History(HistoryPeriod period, Duration threshold, Instant horizon, List<DeviceHistory> devices) {
        this(period, threshold, horizon, devices, new TreeMap<>());
    }

    public History {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(horizon, "horizon");
        devices = List.copyOf(devices);
        ownThresholds = Collections.unmodifiableSortedMap(new TreeMap<>(ownThresholds));
    }

    /** The silence {@code device}'s latest beat asks to be an outage, when it differs from {@link #threshold}. */
    public Optional<Duration> ownThreshold(String device) {
        return Optional.ofNullable(ownThresholds.get(device));
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
                .toList(), ownThresholds);
    }
}
