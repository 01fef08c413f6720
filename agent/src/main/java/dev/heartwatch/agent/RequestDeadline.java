package dev.heartwatch.agent;

import java.net.HttpURLConnection;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds a whole request, not just each read: {@code HttpURLConnection}'s read
 * timeout restarts with every byte, so a server that dribbles its body would hold
 * the agent forever. At the deadline this closes the connection from a small
 * watchdog thread, which makes the blocked read fail (for HTTPS it closes the
 * TLS socket itself; see {@link ClosableSslSockets}).
 */
final class RequestDeadline implements Runnable {
    private final HttpURLConnection connection;
    private final ClosableSslSockets tlsSockets;
    private final long deadline;
    private volatile boolean done;
    private volatile boolean passed;
    private final Thread watchdog;

    private RequestDeadline(HttpURLConnection connection, ClosableSslSockets tlsSockets, long timeoutNanos) {
        this.connection = connection;
        this.tlsSockets = tlsSockets;
        this.deadline = System.nanoTime() + timeoutNanos;
        this.watchdog = new Thread(null, this, "heartwatch-deadline", 64 * 1024);
        this.watchdog.setDaemon(true);
    }

    /** @param tlsSockets the sockets to close for an HTTPS request, else null */
    static RequestDeadline start(HttpURLConnection connection, ClosableSslSockets tlsSockets, long timeoutNanos) {
        RequestDeadline d = new RequestDeadline(connection, tlsSockets, timeoutNanos);
        d.watchdog.start();
        return d;
    }

    @Override
    public void run() {
        long left;
        while (!done && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
        if (!done) {
            passed = true;
            if (tlsSockets != null) {
                tlsSockets.closeAll();
            }
            connection.disconnect();
        }
    }

    boolean passed() {
        return passed || deadline - System.nanoTime() <= 0;
    }

    void finish() {
        done = true;
        LockSupport.unpark(watchdog);
    }

    long remainingMillis() {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }
}
