package dev.heartwatch.server.dashboard;

import dev.heartwatch.core.history.RunCount;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One device as the dashboard shows it.
 *
 * @param device         the device id
 * @param status         {@code up}, {@code down}, {@code muted}, {@code stopped}, {@code retired} or {@code unknown}
 * @param lastSeen       the receiver's time of its last heartbeat; null = never heard
 * @param ip             the client address of its last heartbeat; null = unknown
 * @param uptime24h      uptime in percent over the last 24 hours; null = nothing monitored. For a cron
 *                       device: runs on time out of runs expected (docs/history.md, "Runs on time")
 * @param uptime7d       same over 7 days
 * @param uptime30d      same over 30 days
 * @param trail          recent statuses (same words as {@code status}), oldest first, e.g. one per hour
 * @param schedule       its schedule as text ({@code every 10m + 5m grace}, {@code 30 2 * * * Asia/Kolkata + 1h});
 *                       null = not known
 * @param due            its standing against the schedule ({@code DueRule.decide}): {@code up}, {@code late},
 *                       {@code down}, {@code stopped} or {@code never-heard}; null = not known
 * @param nextDue        the due time its last beat does not answer yet; null = none
 * @param downAt         when it is down if nothing comes ({@code nextDue + grace}); null = none
 * @param lastDurationMs the last run's duration its sender measured; null = not known
 * @param runs24h        for a cron device the runs behind {@code uptime24h}; null for any other
 * @param runs7d         same over 7 days
 * @param runs30d        same over 30 days
 */
public record DeviceView(String device, String status, Instant lastSeen, String ip,
                         Double uptime24h, Double uptime7d, Double uptime30d, List<String> trail,
                         String schedule, String due, Instant nextDue, Instant downAt, Long lastDurationMs,
                         RunCount runs24h, RunCount runs7d, RunCount runs30d) {

    /** The words of {@link #due}. */
    public static final Set<String> DUE_WORDS = Set.of("up", "late", "down", "stopped", "never-heard");

    /** A view without schedule facts (a source that knows no registry). */
    public DeviceView(String device, String status, Instant lastSeen, String ip,
                      Double uptime24h, Double uptime7d, Double uptime30d, List<String> trail) {
        this(device, status, lastSeen, ip, uptime24h, uptime7d, uptime30d, trail, null, null, null, null, null,
                null, null, null);
    }

    public DeviceView {
        Objects.requireNonNull(device, "device");
        DeviceStatusName.require(status, "status");
        trail = trail == null ? List.of() : List.copyOf(trail);
        trail.forEach(s -> DeviceStatusName.require(s, "trail entry"));
        if (due != null && !DUE_WORDS.contains(due)) {
            throw new IllegalArgumentException("due must be one of " + DUE_WORDS + ": " + due);
        }
        if ((runs24h == null) != (runs30d == null) || (runs7d == null) != (runs30d == null)) {
            throw new IllegalArgumentException("runs come for 24 h, 7 d and 30 d together");
        }
    }

    /** What the uptime figures count: {@code runs} (a cron device) or {@code time}. */
    public String uptimeBasis() {
        return runs30d != null ? "runs" : "time";
    }

    /** The same view with its schedule facts. */
    public DeviceView withSchedule(String schedule, String due, Instant nextDue, Instant downAt, Long lastDurationMs,
                                   RunCount runs24h, RunCount runs7d, RunCount runs30d) {
        return new DeviceView(device, status, lastSeen, ip, uptime24h, uptime7d, uptime30d, trail, schedule, due,
                nextDue, downAt, lastDurationMs, runs24h, runs7d, runs30d);
    }
}
