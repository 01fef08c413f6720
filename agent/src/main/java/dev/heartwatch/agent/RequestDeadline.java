package dev.heartwatch.agent;

import java.net.HttpURLConnection;

/**
 * Bounds a whole request, not just each read: {@code HttpURLConnection}'s read
 * timeout restarts with every byte, so a server that dribbles its answer would
 * hold the agent forever. At the deadline a watchdog thread closes the connection
 * (for HTTPS the TLS socket itself, see {@link ClosableSslSockets}), which makes
 * the blocked call fail. One watchdog serves every request of a transport, armed
 * and disarmed around each: no thread is created per beat.
 */
final class RequestDeadline implements Runnable {
    private HttpURLConnection connection;
    private ClosableSslSockets tlsSockets;
    private long deadline;
    private boolean armed;
    private boolean passed;
    private Thread watchdog;

    /** Starts the clock for one request; {@code tlsSockets} is null for plain HTTP. */
    synchronized void arm(HttpURLConnection c, ClosableSslSockets sockets, long timeoutNanos) {
        connection = c;
        tlsSockets = sockets;
        deadline = System.nanoTime() + timeoutNanos;
        passed = false;
        armed = true;
        if (watchdog == null) {
            watchdog = new Thread(null, this, "heartwatch-deadline", 64 * 1024);
            watchdog.setDaemon(true);
            watchdog.start();
        }
        notifyAll();
    }

    /** The request is over (or keeps its own deadline from here): the watchdog stands down. */
    synchronized void disarm() {
        armed = false;
        connection = null;
        tlsSockets = null;
        notifyAll();
    }

    synchronized boolean passed() {
        return passed || deadline - System.nanoTime() <= 0;
    }

    synchronized long remainingMillis() {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    @Override
    public void run() {
        while (true) {
            HttpURLConnection c;
            ClosableSslSockets sockets;
            synchronized (this) {
                try {
                    while (true) {
                        if (!armed) {
                            wait();
                            continue;
                        }
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        wait(left / 1_000_000, (int) (left % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                passed = true;
                armed = false;
                c = connection;
                sockets = tlsSockets;
            }
            // Outside the lock: closing may take a moment, and the request thread must not wait on it.
            if (sockets != null) {
                sockets.closeAll();
            }
            if (c != null) {
                c.disconnect();
            }
        }
    }
}
