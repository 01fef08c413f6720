package dev.heartwatch.channels;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The documented request limits of Azure Communication Services Email, counted here before a
 * request is made, so the channel answers "retry later" instead of spending a request on a 429
 * ("Service limits for Azure Communication Services", Rate limits for email,
 * learn.microsoft.com/azure/communication-services/concepts/service-limits#rate-limits-for-email).
 * An Azure-managed domain may send 5 emails a minute and 10 an hour, and read 10 statuses a
 * minute and 20 an hour, per subscription; none of these can be raised. A custom domain starts
 * at 30 and 100 sends, 60 and 200 status reads. The limits are per subscription while this
 * counts one process: a 429 from the service (another sender, another instance) is still read
 * and honoured.
 */
public final class AcsRateLimiter {
    private final Window sendMinute;
    private final Window sendHour;
    private final Window statusMinute;
    private final Window statusHour;

    public AcsRateLimiter(int sendsPerMinute, int sendsPerHour, int statusPerMinute, int statusPerHour) {
        this.sendMinute = new Window(Duration.ofMinutes(1), sendsPerMinute);
        this.sendHour = new Window(Duration.ofHours(1), sendsPerHour);
        this.statusMinute = new Window(Duration.ofMinutes(1), statusPerMinute);
        this.statusHour = new Window(Duration.ofHours(1), statusPerHour);
    }

    /** An Azure-managed domain's limits: 5/min and 10/h to send, 10/min and 20/h to read a status. */
    public static AcsRateLimiter azureManagedDomain() {
        return new AcsRateLimiter(5, 10, 10, 20);
    }

    /** One process's count for the Azure-managed domain, shared by every channel made in it. */
    private static final AcsRateLimiter SHARED = azureManagedDomain();

    public static AcsRateLimiter shared() {
        return SHARED;
    }

    /** Takes one send if both windows have room: empty; else how long until one has. */
    public synchronized Optional<Duration> trySend(Instant now) {
        return take(sendMinute, sendHour, now);
    }

    /** Takes one status read if both windows have room: empty; else how long until one has. */
    public synchronized Optional<Duration> tryStatus(Instant now) {
        return take(statusMinute, statusHour, now);
    }

    private static Optional<Duration> take(Window a, Window b, Instant now) {
        Duration wait = a.waitFor(now).compareTo(b.waitFor(now)) >= 0 ? a.waitFor(now) : b.waitFor(now);
        if (!wait.isZero()) {
            return Optional.of(wait);
        }
        a.record(now);
        b.record(now);
        return Optional.empty();
    }

    /** A sliding window: the instants of the requests made in the last {@code length}. */
    private static final class Window {
        private final Duration length;
        private final int limit;
        private final Deque<Instant> taken = new ArrayDeque<>();

        Window(Duration length, int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("a limit is at least 1");
            }
            this.length = length;
            this.limit = limit;
        }

        Duration waitFor(Instant now) {
            while (!taken.isEmpty() && !taken.peekFirst().plus(length).isAfter(now)) {
                taken.pollFirst();
            }
            return taken.size() < limit ? Duration.ZERO : Duration.between(now, taken.peekFirst().plus(length));
        }

        void record(Instant now) {
            taken.addLast(now);
        }
    }
}
