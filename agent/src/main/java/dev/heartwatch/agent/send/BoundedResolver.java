package dev.heartwatch.agent.send;

import dev.heartwatch.common.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves a host name within the request's deadline. The JDK's lookup cannot be interrupted
 * or given a timeout, and with the router's DNS down the system resolver can take longer than
 * the agent's timeout (glibc: 5 s per try and server, by default). So the lookup runs on a
 * thread of its own and the beat stops waiting at the deadline; the thread finishes (or not) on
 * its own. It only happens when a connection is opened, not per beat on a kept-alive
 * connection, and never for an IP address. At most {@link #MAX_STUCK} lookups may hang at once;
 * past that a beat fails at once rather than pile up threads.
 */
public final class BoundedResolver {
    /** The lookup itself: the system resolver, or a test's. */
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    static final int MAX_STUCK = 4;
    public static final BoundedResolver SYSTEM = new BoundedResolver(InetAddress::getAllByName);
    /** The active checks' own: names a check cannot resolve never use up the beat's lookups. */
    public static final BoundedResolver CHECKS = new BoundedResolver(InetAddress::getAllByName);

    private final Lookup lookup;
    private final AtomicInteger running = new AtomicInteger();

    BoundedResolver(Lookup lookup) {
        this.lookup = lookup;
    }

    /**
     * The host's addresses, in the resolver's order.
     *
     * @throws UnknownHostException when the name does not resolve, or not before the deadline
     */
    public InetAddress[] resolve(String host, long endNanos) throws IOException {
        if (IpLiteral.parse(host) != null) {
            return new InetAddress[] {InetAddress.getByName(host)}; // a literal: parsed, not looked up
        }
        if (running.get() >= MAX_STUCK) {
            throw new UnknownHostException(host + ": the system resolver is not answering (earlier lookups still hang)");
        }
        FutureTask<InetAddress[]> task = new FutureTask<>(() -> {
            try {
                return lookup.all(host);
            } finally {
                running.decrementAndGet();
            }
        });
        running.incrementAndGet();
        Thread t = new Thread(null, task, "heartwatch-dns", 64 * 1024);
        t.setDaemon(true);
        t.start();
        try {
            return task.get(Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new UnknownHostException(host + ": no answer from the system resolver within the timeout");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownHostException u) {
                throw u;
            }
            throw new UnknownHostException(host + ": lookup failed (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": lookup interrupted");
        }
    }
}
