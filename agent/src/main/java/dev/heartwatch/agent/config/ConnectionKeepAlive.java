package dev.heartwatch.agent.config;

import java.time.Duration;

/**
 * How long the agent keeps an idle connection for the next beat. Without it, every beat at
 * the default 60 s interval would pay a whole TLS handshake (11 beats 6 s apart cost 0.36 CPU s
 * with a handshake each, 0.24 s on one connection; docs/agent.md). Two intervals and a second,
 * so a late beat still finds the connection, at most an hour; a server that names a shorter
 * idle time ({@code Keep-Alive: timeout=}) is believed (HttpTransport).
 */
public final class ConnectionKeepAlive {
    private static final long MAX_SECONDS = 3600;

    private ConnectionKeepAlive() {
    }

    public static Duration idleFor(Duration interval) {
        long twice = interval.getSeconds() >= MAX_SECONDS ? MAX_SECONDS : interval.multipliedBy(2).toSeconds() + 1;
        return Duration.ofSeconds(Math.max(1, Math.min(MAX_SECONDS, twice)));
    }
}
