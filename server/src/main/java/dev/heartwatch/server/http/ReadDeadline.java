package dev.heartwatch.server.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A request's head must arrive within {@code limit} of the connection opening (or of the previous
 * answer on it), and then its body within {@code limit}: the bound a slowloris client, which sends
 * a byte just before each idle timeout, would otherwise never meet. Jetty's idle timeout bounds
 * each wait; this bounds the sum. A head too slow closes the connection without an answer; a body
 * too slow reads as Jetty's own idle timeout does (a {@link TimeoutException} failure), which the
 * ping answers {@code 408}.
 *
 * <p>Jetty 12's core has no such bound of its own: {@code HttpConfiguration.setMinRequestDataRate}
 * is read only by the servlet layers, and {@code MinimumDataRateHandler} measures the bytes of
 * every request together (it extends {@code StatisticsHandler}), checked with {@code javap}
 * against the 12.1.14 jar. So this is made of Jetty's hooks: a {@link Connection.Listener} on the
 * connector for the head, a {@link Request.Wrapper} for the body, Jetty's {@link Scheduler}.
 */
final class ReadDeadline extends Handler.Wrapper implements Connection.Listener {
    private final long limitNanos;
    private final Scheduler scheduler;
    private final Map<Connection, Exchanges> connections = new ConcurrentHashMap<>();

    /** What the head deadline of one connection watches: how many requests' heads have arrived. */
    private static final class Exchanges {
        final AtomicLong heads = new AtomicLong();
        volatile Scheduler.Task headDeadline;
    }

    ReadDeadline(Duration limit, Scheduler scheduler, Handler next) {
        super(next);
        this.limitNanos = limit.toNanos();
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        // One HTTP connection per TCP connection (TLS below it is another Connection: not counted).
        if (connection instanceof ConnectionMetaData) {
            Exchanges exchanges = new Exchanges();
            connections.put(connection, exchanges);
            awaitHead(connection, exchanges);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Exchanges exchanges = connections.remove(connection);
        if (exchanges != null && exchanges.headDeadline != null) {
            exchanges.headDeadline.cancel();
        }
    }

    private void awaitHead(Connection connection, Exchanges exchanges) {
        long heads = exchanges.heads.get();
        exchanges.headDeadline = scheduler.schedule(() -> {
            if (exchanges.heads.get() == heads) {
                connection.getEndPoint().close(); // no head in time: nothing to answer
            }
        }, limitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        Exchanges exchanges = connection == null ? null : connections.get(connection);
        if (exchanges == null) {
            return super.handle(new BodyDeadline(request), response, callback);
        }
        exchanges.heads.incrementAndGet(); // the head is here: its deadline no longer applies
        Scheduler.Task head = exchanges.headDeadline;
        if (head != null) {
            head.cancel();
        }
        // The next head's wait starts when this answer is done; armed before Jetty reads on.
        Callback next = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                awaitHead(connection, exchanges);
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                awaitHead(connection, exchanges); // usually closed anyway; if not, still bounded
                super.failed(x);
            }
        };
        return super.handle(new BodyDeadline(request), response, next);
    }

    /**
     * The request with its body due within the limit: a {@code read} after it is a failure, and a
     * reader waiting for bytes at that moment is woken to see it.
     */
    private final class BodyDeadline extends Request.Wrapper {
        private final long deadline = NanoTime.now() + limitNanos;

        BodyDeadline(Request request) {
            super(request);
        }

        private boolean expired() {
            return NanoTime.since(deadline) >= 0;
        }

        @Override
        public Content.Chunk read() {
            if (expired()) {
                return Content.Chunk.from(new TimeoutException("the request body did not arrive in time"), true);
            }
            return super.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            AtomicBoolean once = new AtomicBoolean();
            Runnable wake = () -> {
                if (once.compareAndSet(false, true)) {
                    demandCallback.run();
                }
            };
            long left = -NanoTime.since(deadline);
            if (left <= 0) {
                getContext().execute(wake);
                return;
            }
            Scheduler.Task timer = scheduler.schedule(wake, left, TimeUnit.NANOSECONDS);
            super.demand(() -> {
                timer.cancel();
                wake.run();
            });
        }
    }
}
