package dev.heartwatch.server.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * heartwatch-server's HTTP layer: Jetty 12 (core handlers, no servlets), chosen over the JDK's
 * {@code HttpServer} in docs/server.md ("HTTP layer"), with its limits (docs/server.md, "Limits
 * under attack"): the connector's idle timeout bounds every wait for request bytes and for a
 * client to take the answer; {@link ReadDeadline} bounds the whole head, then the whole body, by
 * the same time; the request head is at most 8 KiB (Jetty answers 431 beyond); Jetty's
 * {@link NetworkConnectionLimit} caps the open connections (beyond it Jetty stops accepting and
 * new ones wait in the accept queue) and {@link AddressConnectionLimit} those from one address.
 * A slow client costs a connection, never a thread: Jetty parks a waiting head in its selector.
 * An answer sent before its request's body was read (a 413, a 401) is followed by a bounded
 * read of that body before the connection closes ({@link BodyDrain}), so that it reaches a
 * client still sending. Jetty's own error answers are plain text ({@link PlainErrors}).
 */
public final class WebServer implements AutoCloseable {
    /** Largest request head (request line and headers) read, in bytes. */
    public static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;
    // Jetty logs through SLF4J to java.util.logging; its start banner and per-connection notes
    // are not the operator's business. Held strongly: JUL keeps loggers weakly.
    private static final Logger JETTY_LOG = Logger.getLogger("org.eclipse.jetty");

    /** A key in a query ({@code ?code=}, {@code ?key=}), as a Jetty log line may quote a request's URI. */
    private static final Pattern KEY_IN_URI = Pattern.compile("([?&](?:code|key)=)[^&\\s}\\]]*");

    static {
        JETTY_LOG.setLevel(Level.WARNING);
        // Keys ride in URLs (Azure's ?code=) and Jetty's warnings may name the request: every
        // Jetty record passes here, redacted, on its way to the process's own log handlers.
        JETTY_LOG.setUseParentHandlers(false);
        JETTY_LOG.addHandler(new java.util.logging.Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null) {
                    record.setMessage(KEY_IN_URI.matcher(record.getMessage()).replaceAll("$1(redacted)"));
                }
                record.setParameters(null); // slf4j-jdk14 has formatted them into the message already
                for (java.util.logging.Handler h : Logger.getLogger("").getHandlers()) {
                    h.publish(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    private final Server server;
    private final ServerConnector connector;

    /**
     * @param requestTime       the idle timeout, and the longest a request's head, then its body, may take
     * @param maxConnections    open connections in all
     * @param perAddress        open connections from one socket address
     * @param uncappedAddresses socket addresses not capped per address (the trusted proxies)
     */
    public record Limits(Duration requestTime, int maxConnections, int perAddress, Set<String> uncappedAddresses) {
        public Limits {
            uncappedAddresses = Set.copyOf(uncappedAddresses);
        }

        /** The defaults of {@code HEARTWATCH_MAX_CONNECTIONS} and {@code ..._PER_ADDRESS}, for tests and benchmarks. */
        public static Limits defaults(Duration requestTime) {
            return new Limits(requestTime, 1024, 32, Set.of());
        }
    }

    /** {@link Limits#defaults} with {@code idleTimeout} as the request time. */
    public WebServer(String bindAddress, int port, int threads, Duration idleTimeout, SSLContext tls, Handler routes) {
        this(bindAddress, port, threads, Limits.defaults(idleTimeout), tls, routes);
    }

    /**
     * @param threads     threads serving requests (the ping waits on its commit in one)
     * @param limits  time and connection limits
     * @param tls     null for plain HTTP
     * @param routes  every request's handler ({@link Routes} behind {@link AccessFilter} in heartwatch-server)
     */
    public WebServer(String bindAddress, int port, int threads, Limits limits, SSLContext tls, Handler routes) {
        // One acceptor and one selector: the machine this targets has few cores, and every
        // request blocks on SQLite's single writer anyway.
        QueuedThreadPool pool = new QueuedThreadPool(threads + 2, Math.min(8, threads + 2));
        pool.setName("heartwatch-http");
        pool.setDaemon(true);
        server = new Server(pool);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        if (tls == null) {
            connector = new ServerConnector(server, 1, 1, h1);
        } else {
            http.addCustomizer(new SecureRequestCustomizer(false)); // no SNI host check: a bare IP is a valid name here
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls);
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, h1.getProtocol()), h1);
        }
        connector.setHost(bindAddress);
        connector.setPort(port);
        connector.setIdleTimeout(limits.requestTime().toMillis());
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        connector.addEventListener(new AddressConnectionLimit(limits.perAddress(), limits.uncappedAddresses()));
        // The drain reads through the deadline's request: a refused body is discarded within the same time.
        ReadDeadline deadline = new ReadDeadline(limits.requestTime(), connector.getScheduler(),
                new BodyDrain(Objects.requireNonNull(routes, "routes")));
        connector.addEventListener(deadline);
        server.setErrorHandler(new PlainErrors());
        server.setHandler(deadline);
        server.setStopTimeout(0);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound port (the configured one, or the one the system chose for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort at shutdown; the process ends anyway.
        }
    }
}
