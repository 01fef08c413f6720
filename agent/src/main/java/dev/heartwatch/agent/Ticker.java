package dev.heartwatch.agent;

/**
 * Monotonic time for the schedule (never the wall clock, which jumps), and a way
 * to wait on it. Tests inject a fake that advances instantly.
 */
interface Ticker {
    long nanoTime();

    /** Waits about {@code nanos}; may return early (the caller re-checks). */
    void sleepNanos(long nanos);
}
