package dev.heartwatch.agent;

import java.util.concurrent.locks.LockSupport;

/** {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux: it does not count a suspend). */
final class SystemTicker implements Ticker {
    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void sleepNanos(long nanos) {
        LockSupport.parkNanos(this, nanos); // an unpark (shutdown) ends it early
    }
}
