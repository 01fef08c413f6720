package dev.heartwatch.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Two consecutive runs of a cron schedule, and the time between them. */
public record RunGap(Instant after, Instant before) {

    public RunGap {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(before, "before");
        if (!before.isAfter(after)) {
            throw new IllegalArgumentException("a gap ends after it starts: " + after + " .. " + before);
        }
    }

    public Duration length() {
        return Duration.between(after, before);
    }
}
