package dev.heartwatch.server.store;

import dev.heartwatch.channels.ThreadState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The channels' {@link ThreadState} in the database ({@code channel_threads}, migration 4): an
 * insert that keeps the first value, committed before the channel goes on, so a retry or a
 * restart finds the issue a channel opened and never opens a second. A row per outage on a
 * threaded channel: small enough to keep.
 */
public final class ChannelThreads implements ThreadState {
    private final Database db;

    ChannelThreads(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Long> get(String key) {
        return db.inTransaction(c -> value(c, key));
    }

    @Override
    public long putIfAbsent(String key, long value) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO channel_threads(key, value) VALUES (?,?) ON CONFLICT(key) DO NOTHING")) {
                ps.setString(1, key);
                ps.setLong(2, value);
                ps.executeUpdate();
            }
            return value(c, key).orElseThrow();
        });
    }

    private static Optional<Long> value(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM channel_threads WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
