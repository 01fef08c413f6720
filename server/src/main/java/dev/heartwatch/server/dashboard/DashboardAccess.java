package dev.heartwatch.server.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Who may read the dashboard. Device names and home IP addresses are not public, so there are
 * exactly two modes: a read key, or loopback only (for an operator who reaches the server
 * through SSH or a reverse proxy on the same machine).
 */
public final class DashboardAccess {
    private final byte[] keyDigest; // null = loopback-only

    private DashboardAccess(byte[] keyDigest) {
        this.keyDigest = keyDigest;
    }

    /** Requests must carry {@code key} (header, query or cookie; see docs/dashboard.md). */
    public static DashboardAccess readKey(String key) {
        Objects.requireNonNull(key, "key");
        // It travels in a URL and a cookie, so it keeps to characters neither needs to escape.
        if (!key.matches("[A-Za-z0-9._~-]{16,256}")) {
            throw new IllegalArgumentException("the dashboard read key must be 16-256 characters of [A-Za-z0-9._~-]");
        }
        return new DashboardAccess(sha256(key));
    }

    /** No key: only loopback clients (and a loopback Host header) are served. */
    public static DashboardAccess loopbackOnly() {
        return new DashboardAccess(null);
    }

    public boolean isLoopbackOnly() {
        return keyDigest == null;
    }

    /** Constant-time: both sides are hashed first, so neither length nor content leaks through timing. */
    public boolean accepts(String candidate) {
        if (keyDigest == null || candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(keyDigest, sha256(candidate));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return keyDigest == null ? "DashboardAccess[loopback-only]" : "DashboardAccess[read key]";
    }
}
