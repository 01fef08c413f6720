package dev.heartwatch.server.notify;

import java.time.Duration;
import java.util.Objects;

/**
 * When a channel's worker tries again after a failed attempt: exponential from {@code first},
 * doubling per consecutive failure up to {@code cap}; a receiver's {@code Retry-After} is
 * honoured instead, kept between one second (no busy loop on "0") and {@code longestRetryAfter}
 * (a receiver cannot park our alerts for a year).
 */
public record DeliveryBackoff(Duration first, Duration cap, Duration longestRetryAfter) {
    private static final Duration SHORTEST = Duration.ofSeconds(1);

    public static final DeliveryBackoff DEFAULT = new DeliveryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofHours(1));

    public DeliveryBackoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(longestRetryAfter, "longestRetryAfter");
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0 || longestRetryAfter.compareTo(SHORTEST) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= cap and longestRetryAfter >= 1 s: " + first + ", " + cap
                    + ", " + longestRetryAfter);
        }
    }

    /** The wait after the {@code failures}-th consecutive failure (1 = the first), or the receiver's {@code retryAfter}. */
    public Duration after(int failures, Duration retryAfter) {
        if (retryAfter != null) {
            Duration d = retryAfter.compareTo(SHORTEST) < 0 ? SHORTEST : retryAfter;
            return d.compareTo(longestRetryAfter) > 0 ? longestRetryAfter : d;
        }
        Duration d = first;
        for (int i = 1; i < failures && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }
}
