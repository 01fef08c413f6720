package dev.heartwatch.agent.send;

import java.net.HttpURLConnection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends a request still running at its deadline. The JDK's HTTP client bounds each connect and
 * each read ({@code setConnectTimeout}, {@code setReadTimeout}), not their sum: an answer, or
 * a TLS handshake, dribbled a byte at a time would outlast the agent's timeout many times over.
 * So each request schedules a cut at its deadline: it closes the plain socket under a TLS
 * connection ({@link TrackedTlsSockets}), which ends a blocked read at once, then calls {@code
 * disconnect()}. Over plain HTTP (a server on the user's own network) only {@code disconnect()}
 * is there, which waits for the read in progress: each read is bounded by the read timeout. One long-lived thread for the whole agent (parked between
 * beats, no CPU while idle), never one per beat. A cut that lands while the JDK is between two
 * steps (the socket not yet handed over) is repeated every 50 ms until the request has ended.
 */
final class RequestWatchdog {
    static final RequestWatchdog SHARED = new RequestWatchdog();
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ScheduledThreadPoolExecutor timer;

    private RequestWatchdog() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "heartwatch-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // a finished request leaves nothing queued
    }

    /**
     * Schedules the cut of {@code c} at {@code endNanos} ({@link System#nanoTime()}).
     *
     * @param sockets the TLS sockets of an HTTPS request, null for plain HTTP
     */
    Cut cutAt(HttpURLConnection c, TrackedTlsSockets sockets, long endNanos) {
        Cut cut = new Cut(c, sockets);
        cut.schedule(endNanos - System.nanoTime());
        return cut;
    }

    /** One request's cut: either the request finishes first, or the deadline disconnects it. */
    final class Cut implements Runnable {
        private final HttpURLConnection connection;
        private final TrackedTlsSockets sockets;
        private ScheduledFuture<?> pending;
        private boolean finished;
        private boolean fired;

        private Cut(HttpURLConnection connection, TrackedTlsSockets sockets) {
            this.connection = connection;
            this.sockets = sockets;
        }

        private synchronized void schedule(long delayNanos) {
            pending = timer.schedule(this, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            synchronized (this) {
                if (finished) {
                    return;
                }
                fired = true;
            }
            java.net.Socket plain = sockets == null ? null : sockets.latest();
            if (plain != null) {
                try {
                    plain.close();
                } catch (java.io.IOException e) {
                    // already closed: the request has failed anyway
                }
            }
            connection.disconnect();
            synchronized (this) {
                if (!finished) {
                    schedule(RETRY_NANOS);
                }
            }
        }

        /** The request is over; true when it ended before the deadline cut it. */
        synchronized boolean finish() {
            finished = true;
            pending.cancel(false);
            return !fired;
        }

        /** Ends the cut (if not yet) and says whether the deadline had cut the request. */
        synchronized boolean finishedByDeadline() {
            finished = true;
            pending.cancel(false);
            return fired;
        }
    }
}
