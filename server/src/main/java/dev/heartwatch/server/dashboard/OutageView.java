package dev.heartwatch.server.dashboard;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One outage as the dashboard lists it.
 *
 * @param device     the device id
 * @param start      when it began
 * @param end        when it ended; null = still ongoing
 * @param durationMs {@code end - start}, or {@code now - start} while ongoing
 * @param cause      the cause code (contract §4), e.g. {@code dns}, {@code silence}
 * @param detail     free text, may be null
 * @param source     {@code agent} (reported), {@code cloud} (a gap in heartbeats) or {@code both}
 */
public record OutageView(String device, Instant start, Instant end, long durationMs,
                         String cause, String detail, String source) {
    static final Set<String> SOURCES = Set.of("agent", "cloud", "both");

    public OutageView {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(start, "start");
        if (source == null || !SOURCES.contains(source)) {
            throw new IllegalArgumentException("source must be one of " + SOURCES + ", was " + source);
        }
        if (durationMs < 0) {
            throw new IllegalArgumentException("durationMs must be >= 0, was " + durationMs);
        }
    }
}
