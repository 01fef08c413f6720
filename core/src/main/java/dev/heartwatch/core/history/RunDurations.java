package dev.heartwatch.core.history;

import java.util.ArrayList;
import java.util.List;

/**
 * The durations the senders measured ({@code durationMs} of successes) over a period: how many,
 * their median (the mean of the two middle ones, rounded down, when their number is even), the
 * longest and the last one. {@link #NONE} when no success carried a duration.
 */
public record RunDurations(int count, Long medianMs, Long maxMs, Long lastMs) {

    public static final RunDurations NONE = new RunDurations(0, null, null, null);

    public RunDurations {
        if (count < 0 || (count == 0) != (medianMs == null) || (medianMs == null) != (maxMs == null)
                || (maxMs == null) != (lastMs == null)) {
            throw new IllegalArgumentException("durations: a count and its figures come together");
        }
    }

    /** From durations in the order they were sent (the last is the latest run's). */
    public static RunDurations of(List<Long> inOrder) {
        if (inOrder.isEmpty()) {
            return NONE;
        }
        List<Long> sorted = new ArrayList<>(inOrder);
        sorted.sort(null);
        int n = sorted.size();
        long median = n % 2 == 1 ? sorted.get(n / 2)
                : Math.floorDiv(sorted.get(n / 2 - 1) + sorted.get(n / 2), 2L);
        return new RunDurations(n, median, sorted.get(n - 1), inOrder.get(n - 1));
    }
}
