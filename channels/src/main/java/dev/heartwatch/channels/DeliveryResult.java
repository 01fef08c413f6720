package dev.heartwatch.channels;

import java.time.Duration;
import java.util.Objects;

/**
 * What one delivery attempt of a channel came to. A channel makes one attempt and answers; what
 * happens next (when to try again, when to stop) is decided by the outbox's worker alone, so
 * retries never multiply.
 */
public sealed interface DeliveryResult permits DeliveryResult.Delivered, DeliveryResult.RetryLater, DeliveryResult.Permanent {

    /** The receiver took it. */
    record Delivered() implements DeliveryResult {
    }

    /**
     * Not taken this time (a timeout, a refused connection, 408, 429, 5xx); worth trying again.
     *
     * @param after  how long the receiver asked us to wait ({@code Retry-After}), or null: the worker's backoff decides
     * @param reason short, ours, free of secrets and of receiver-supplied text
     */
    record RetryLater(Duration after, String reason) implements DeliveryResult {
        public RetryLater {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Refused for good (any other 4xx, a rejected credential): trying again would get the same answer. */
    record Permanent(String reason) implements DeliveryResult {
        public Permanent {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static DeliveryResult delivered() {
        return new Delivered();
    }

    static DeliveryResult retry(String reason) {
        return new RetryLater(null, reason);
    }

    static DeliveryResult retryAfter(Duration after, String reason) {
        return new RetryLater(after, reason);
    }

    static DeliveryResult permanent(String reason) {
        return new Permanent(reason);
    }

    /**
     * The usual reading of an HTTP status (issue 15's rule): 2xx delivered; 408, 429 and 5xx
     * worth retrying, after {@code retryAfter} when the receiver gave one; anything else
     * (other 4xx, a redirect we do not follow) permanent.
     */
    static DeliveryResult ofHttpStatus(int status, Duration retryAfter) {
        if (status / 100 == 2) {
            return delivered();
        }
        if (status == 408 || status == 429 || status / 100 == 5) {
            return retryAfter(retryAfter, "HTTP " + status);
        }
        return permanent("HTTP " + status);
    }
}
