package dev.heartwatch.agent;

import java.time.Duration;

/**
 * Keeps the connection to the endpoint open from one beat to the next. Unless the server
 * names an idle time (a {@code Keep-Alive: timeout=} header), {@code HttpURLConnection}
 * closes an idle connection after 5 s, so at the default 60 s interval every beat paid a
 * whole TLS handshake (11 beats 6 s apart: 0.36 CPU s with it, 0.24 s without; docs/agent.md).
 * {@code http.keepAlive.time.server} (JDK-8278067, in 17.0.15) sets that idle time. A server
 * that names its own still wins; a connection the server has closed is noticed before it is
 * reused; and one that dies under the request is retried on a fresh one (HttpTransport).
 */
final class ConnectionKeepAlive {
    static final String PROPERTY = "http.keepAlive.time.server";
    private static final long MAX_SECONDS = 3600;

    private ConnectionKeepAlive() {
    }

    /** Sets the idle time for this JVM, before its first request, unless the operator set one. */
    static void spanBeats(Duration interval) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, Long.toString(idleSeconds(interval)));
        }
    }

    /** Two intervals and a second, so a late beat still finds the connection; never below the JDK's 5 s. */
    static long idleSeconds(Duration interval) {
        long twice = interval.getSeconds() >= MAX_SECONDS ? MAX_SECONDS : interval.multipliedBy(2).toSeconds() + 1;
        return Math.max(5, Math.min(MAX_SECONDS, twice));
    }
}
