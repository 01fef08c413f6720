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
 * @param clip       why the agent's report was clipped to the server's record (a
 *                   {@code ReportClip.Reason} code, docs/alerting.md), null when it was not
 * @param reportedMs how long the agent reported it, when it was clipped; else null
 */
public record OutageView(String device, Instant start, Instant end, long durationMs,
                         String cause, String detail, String source, String clip, Long reportedMs) {
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
        if ((clip == null) != (reportedMs == null)) {
            throw new IllegalArgumentException("a clipped outage says both why and how long it was reported");
        }
    }

    /** An outage whose report, if any, was taken as reported. */
    public OutageView(String device, Instant start, Instant end, long durationMs, String cause, String detail, String source) {
        this(device, start, end, durationMs, cause, detail, source, null, null);
    }
}
