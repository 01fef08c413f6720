package dev.heartwatch.server.notify;

import java.time.Duration;
import java.util.Objects;

/**
 * When a channel's worker tries again after a failed attempt: exponential from {@code first},
 * doubling per consecutive failure up to {@code cap}; a receiver's {@code Retry-After} is
 * honoured instead, kept between one second (no busy loop on "0") and {@code longestRetryAfter}
 * (a receiver cannot park our alerts for a year). A message still refused {@code giveUpAfter}
 * after it was raised is given up on that channel (failed, visible): news that old is no
 * longer an alert, and it would hold up every later message of the channel.
 */
public record DeliveryBackoff(Duration first, Duration cap, Duration longestRetryAfter, Duration giveUpAfter) {
    private static final Duration SHORTEST = Duration.ofSeconds(1);

    public static final DeliveryBackoff DEFAULT = new DeliveryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofHours(1),
            Duration.ofDays(1));

    public DeliveryBackoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(longestRetryAfter, "longestRetryAfter");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0 || longestRetryAfter.compareTo(SHORTEST) < 0
                || giveUpAfter.compareTo(cap) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= cap <= giveUpAfter and longestRetryAfter >= 1 s: "
                    + first + ", " + cap + ", " + longestRetryAfter + ", " + giveUpAfter);
        }
    }

    /** Whether a message raised at {@code raisedAt} and still refused at {@code now} is given up. */
    public boolean givesUp(java.time.Instant raisedAt, java.time.Instant now) {
        return raisedAt != null && !now.isBefore(raisedAt.plus(giveUpAfter));
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
