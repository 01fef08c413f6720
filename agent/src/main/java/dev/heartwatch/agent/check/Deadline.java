package dev.heartwatch.agent.check;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The end of one probe run ({@link System#nanoTime()}). The JDK bounds each connect and each
 * read, not their sum, so a target that dribbles its answer would outlast the check's timeout;
 * {@link #cutAt} closes what the probe holds at the deadline, on the checks' timer thread.
 */
public final class Deadline {
    private final long endNanos;
    private final ScheduledExecutorService timer;

    Deadline(long endNanos, ScheduledExecutorService timer) {
        this.endNanos = endNanos;
        this.timer = timer;
    }

    public long endNanos() {
        return endNanos;
    }

    public boolean passed() {
        return endNanos - System.nanoTime() <= 0;
    }

    /** Milliseconds left, at least 1 (a JDK timeout of 0 means "forever"). */
    public int millisLeft() {
        long left = (endNanos - System.nanoTime()) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }

    /** Closes {@code target} at the deadline unless the returned cut is closed first. */
    public Cut cutAt(Closeable target) {
        ScheduledFuture<?> f = timer.schedule(() -> {
            try {
                target.close();
            } catch (IOException | RuntimeException e) {
                // already closed: the probe has failed anyway
            }
        }, Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /** A scheduled cut; closing it (the probe is done) cancels it. */
    public interface Cut extends AutoCloseable {
        @Override
        void close();
    }
}
