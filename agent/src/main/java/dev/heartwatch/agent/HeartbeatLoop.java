package dev.heartwatch.agent;

import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Beats on a fixed monotonic grid: beat k is due at start + k × interval, so
 * the schedule never drifts however long each beat takes. When the agent falls
 * behind (a slow beat, a stopped process, a suspended machine) the missed slots
 * are skipped, never made up in a burst. A little jitter, drawn afresh each time
 * and never added to the grid, spreads many agents' beats apart.
 */
final class HeartbeatLoop {
    private final Ticker ticker;
    private final long interval;
    private final long maxJitter;
    private final Random random;
    private final Runnable beat;
    private volatile boolean stopped;
    private volatile Thread runner;
    private long skipped;

    HeartbeatLoop(Ticker ticker, long intervalNanos, long maxJitterNanos, Random random, Runnable beat) {
        this.ticker = ticker;
        this.interval = intervalNanos;
        this.maxJitter = maxJitterNanos;
        this.random = random;
        this.beat = beat;
    }

    /** Jitter: 2 % of the interval, at most one second. */
    static long jitterFor(long intervalNanos) {
        return Math.min(intervalNanos / 50, 1_000_000_000L);
    }

    /** Beats until {@link #stop()}; returns after the beat in progress. */
    void run() {
        runner = Thread.currentThread();
        long next = ticker.nanoTime();
        while (!stopped) {
            beat.run();
            next += interval;
            long now = ticker.nanoTime();
            if (now - next >= 0) {
                long missed = (now - next) / interval + 1;
                skipped += missed;
                next += missed * interval;
            }
            long jitter = maxJitter > 0 ? (long) (random.nextDouble() * maxJitter) : 0;
            long due = next + jitter;
            long left;
            while (!stopped && (left = due - ticker.nanoTime()) > 0) {
                ticker.sleepNanos(left);
            }
        }
    }

    void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Slots skipped because the agent was behind (for tests and --verbose). */
    long skipped() {
        return skipped;
    }
}
