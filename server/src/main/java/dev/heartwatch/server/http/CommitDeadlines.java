package dev.heartwatch.server.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The commit deadline of every ping in one first-in-first-out queue, swept by one thread: a ping
 * whose lines are not durable within the deadline is answered {@code 503} (the future fails with
 * a {@link TimeoutException}), as the blocking wait once did.
 *
 * <p>One timer per request ({@code CompletableFuture.orTimeout}) cost a schedule and a cancel on a
 * shared, locked heap for every beat, on the thread that acknowledges them all. Every ping waits
 * the same time, so deadlines come in the order pings arrive, and a queue needs only its head
 * checked: O(1) per ping, with no lock.
 */
final class CommitDeadlines {
    /** How often the sweeper looks: a late answer is at most this much past its deadline. */
    static final long SWEEP_NANOS = 100_000_000L;
    private static final CommitDeadlines SHARED = new CommitDeadlines(System::nanoTime);

    private record Entry(long deadline, long timeout, CompletableFuture<?> future) {
    }

    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final LongSupplier nanoTime;
    private Thread sweeper;

    CommitDeadlines(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The one instance the server's ping handlers share, its daemon sweeper started on first use. */
    static CommitDeadlines shared() {
        SHARED.startSweeper();
        return SHARED;
    }

    /**
     * Fails {@code future} with a {@link TimeoutException} unless it completes within
     * {@code timeoutNanos}. Every caller of one instance must pass the same timeout (the server's
     * request timeout), else the head would not be the earliest deadline; a longer one is only
     * ever checked late, never early.
     */
    <T> CompletableFuture<T> watch(CompletableFuture<T> future, long timeoutNanos) {
        if (!future.isDone()) {
            queue.add(new Entry(nanoTime.getAsLong() + timeoutNanos, timeoutNanos, future));
        }
        return future;
    }

    /** Drops the settled head entries and fails the expired ones; returns how many it failed. */
    int sweep() {
        long now = nanoTime.getAsLong();
        int failed = 0;
        for (Entry e = queue.peek(); e != null; e = queue.peek()) {
            boolean expired = now - e.deadline() >= 0;
            if (!e.future().isDone() && !expired) {
                return failed;
            }
            queue.poll();
            if (expired && e.future().completeExceptionally(new TimeoutException(
                    "not committed within " + e.timeout() / 1_000_000 + " ms"))) {
                failed++;
            }
        }
        return failed;
    }

    /** Entries still held (settled ones behind an unsettled head included); for tests. */
    int held() {
        return queue.size();
    }

    private synchronized void startSweeper() {
        if (sweeper != null) {
            return;
        }
        sweeper = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(SWEEP_NANOS / 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
                sweep();
            }
        }, "heartwatch-commit-deadlines");
        sweeper.setDaemon(true);
        sweeper.start();
    }
}
