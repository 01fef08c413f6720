package dev.heartwatch.agent.send;

import dev.heartwatch.agent.config.ConnectionKeepAlive;
import java.time.Duration;

/**
 * The JDK networking properties the agent's HTTP client needs, set in the agent's own process
 * before the JDK's HTTP classes first load (they read them once, into static fields). A value
 * given on the command line ({@code -D...}) is left as it is.
 *
 * <ul>
 *   <li>{@code jdk.http.auth.tunneling.disabledSchemes} = "": the JDK refuses Basic
 *       authentication to a proxy for an HTTPS tunnel unless this allows it ({@code
 *       net.properties} disables it by default since 8u111, as the password crosses the
 *       network in Base64). The original agent's {@code requests} sends it; so must the
 *       agent, for a proxy URL that names credentials. They are given only to the configured
 *       proxy, only when it asks (HttpTransport).
 *   <li>{@code http.keepAlive.time.server} and {@code http.keepAlive.time.proxy}: how long an
 *       idle connection is kept when the server names no {@code Keep-Alive: timeout} (Azure's
 *       front end names none). The JDK's defaults, 5 s and 60 s (JDK-8278067), would close it
 *       between every two beats at a 60 s interval: a whole TLS handshake each minute. Set to
 *       two intervals and a second ({@link ConnectionKeepAlive}): 121 s at 60 s, under the
 *       4 minutes an Azure front end or load balancer keeps an idle TCP connection, so the
 *       agent lets go first rather than write into a connection already dropped.
 * </ul>
 */
public final class JdkHttpSettings {
    static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";
    static final String KEEP_ALIVE_SERVER = "http.keepAlive.time.server";
    static final String KEEP_ALIVE_PROXY = "http.keepAlive.time.proxy";

    private JdkHttpSettings() {
    }

    /** Everything, for an agent beating every {@code interval}. */
    public static void apply(Duration interval) {
        allowBasicThroughProxyTunnels();
        String seconds = Long.toString(ConnectionKeepAlive.idleFor(interval).toSeconds());
        setUnlessGiven(KEEP_ALIVE_SERVER, seconds);
        setUnlessGiven(KEEP_ALIVE_PROXY, seconds);
    }

    static void allowBasicThroughProxyTunnels() {
        setUnlessGiven(TUNNELING_DISABLED_SCHEMES, "");
    }

    private static void setUnlessGiven(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
