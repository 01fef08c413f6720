package dev.heartwatch.core.outage;

import java.time.Instant;
import java.util.Objects;

/**
 * One beat kept whole for the runs of a cron device (history's "runs on time"), or because it
 * carried a run's duration: its receiver time, what it said, and {@code durationMs} when the
 * sender measured one ({@code null} otherwise).
 */
public record RunBeat(Instant at, Signal signal, Long durationMs) {

    public RunBeat {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(signal, "signal");
        if (durationMs != null && durationMs < 0) {
            throw new IllegalArgumentException("a run's duration is not negative: " + durationMs);
        }
    }

    public static RunBeat success(Instant at) {
        return new RunBeat(at, Signal.SUCCESS, null);
    }
}
