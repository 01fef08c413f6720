package dev.heartwatch.server.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket with time as a parameter: it holds at most {@code capacity} tokens and gains
 * {@code perWindow} every {@code window}, continuously. A take may overdraw it (see
 * {@link #take}), so one request larger than the bucket can still pass when the bucket is full,
 * and what it took beyond the bucket is repaid before anything else passes: the long-run rate
 * stays {@code perWindow} per {@code window} whatever the request sizes.
 * Not thread-safe: its owner serialises the calls.
 */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private Instant last;

    TokenBucket(int capacity, int perWindow, Duration window, Instant now) {
        this.capacity = capacity;
        this.perNano = perWindow / (double) window.toNanos();
        this.tokens = capacity;
        this.last = now;
    }

    /** Whether {@code n} tokens may be taken at {@code now}: the bucket holds {@code min(n, capacity)}. */
    boolean allows(int n, Instant now) {
        refill(now);
        return tokens >= need(n);
    }

    /** Takes {@code n} tokens (after {@link #allows}); the bucket may go below zero. */
    void take(int n, Instant now) {
        refill(now);
        tokens -= n;
    }

    /** How long from {@code now} until {@link #allows}{@code (n)} holds; zero when it does. */
    Duration waitFor(int n, Instant now) {
        refill(now);
        double missing = need(n) - tokens;
        return missing <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(missing / perNano));
    }

    private double need(int n) {
        return Math.min(n, capacity);
    }

    private void refill(Instant now) {
        if (now.isAfter(last)) {
            // A clock that steps back gains nothing (and loses nothing): only forward time refills.
            double gained = Duration.between(last, now).toNanos() * perNano;
            tokens = Math.min(capacity, tokens + gained);
            last = now;
        }
    }
}
