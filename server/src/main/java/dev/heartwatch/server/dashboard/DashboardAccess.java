package dev.heartwatch.server.dashboard;

import dev.heartwatch.server.http.KeyRing;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who may read the dashboard. Device names and home IP addresses are not public, so there are
 * exactly two modes: a read key, or loopback only (for an operator who reaches the server
 * through SSH or a reverse proxy on the same machine).
 */
public final class DashboardAccess {
    private final KeyRing key; // null = loopback-only

    private DashboardAccess(KeyRing key) {
        this.key = key;
    }

    /** Requests must carry {@code key} (header, query or cookie; see docs/dashboard.md). */
    public static DashboardAccess readKey(String key) {
        Objects.requireNonNull(key, "key");
        // It travels in a URL and a cookie, so it keeps to characters neither needs to escape.
        if (!key.matches("[A-Za-z0-9._~-]{16,256}")) {
            throw new IllegalArgumentException("the dashboard read key must be 16-256 characters of [A-Za-z0-9._~-]");
        }
        return new DashboardAccess(new KeyRing(List.of(key)));
    }

    /** No key: only loopback clients (and a loopback Host header) are served. */
    public static DashboardAccess loopbackOnly() {
        return new DashboardAccess(null);
    }

    public boolean isLoopbackOnly() {
        return key == null;
    }

    /** The server's one key check ({@link KeyRing}: constant time). */
    public boolean accepts(String candidate) {
        return key != null && key.matches(candidate);
    }

    /**
     * In loopback-only mode, whether a client is served: its socket address is loopback and its
     * {@code Host} names loopback too (which stops DNS rebinding: a page on evil.example resolved
     * to 127.0.0.1).
     */
    public static boolean servesLoopbackClient(InetAddress socketPeer, String hostHeader) {
        return socketPeer != null && socketPeer.isLoopbackAddress() && isLoopbackHost(hostHeader);
    }

    public static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close > 0 && h.substring(1, close).equals("::1");
        }
        int colon = h.indexOf(':');
        String name = colon >= 0 ? h.substring(0, colon) : h;
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    @Override
    public String toString() {
        return key == null ? "DashboardAccess[loopback-only]" : "DashboardAccess[read key]";
    }
}
