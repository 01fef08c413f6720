package dev.heartwatch.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The notifications raised (with their flip, or as a cooldown summary) and each channel's
 * delivery of them: {@code sending} is committed before the channel is called and
 * {@code delivered} right after, so a crash in between is visible after a restart.
 */
public final class Outbox {
    private static final String SELECT_NOTIFICATION = "SELECT id, idem_key, device, condition, flip_at, created_at, fired_at, "
            + "suppressed, suppressed_before, reason, sent_at, attempts FROM notifications ";

    private final Database db;

    Outbox(Database db) {
        this.db = db;
    }

    /** Inserts a notification in the caller's transaction; a repeated idempotency key inserts nothing (-1). */
    static long insert(Connection c, NewNotification n, Instant createdAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, fired_at, suppressed, "
                        + "suppressed_before, reason) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(idem_key) DO NOTHING",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, n.idemKey());
            ps.setString(2, n.device());
            ps.setString(3, n.condition());
            ps.setLong(4, n.flipAt().toEpochMilli());
            ps.setLong(5, createdAt.toEpochMilli());
            if (n.firedAt() == null) {
                ps.setNull(6, Types.INTEGER);
            } else {
                ps.setLong(6, n.firedAt().toEpochMilli());
            }
            ps.setInt(7, n.suppressed() ? 1 : 0);
            ps.setInt(8, n.suppressedBefore());
            ps.setString(9, n.reason());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                return keys.next() ? keys.getLong(1) : -1;
            }
        }
    }

    /** Marks the device's suppressed notifications with ids up to {@code upToId}, not yet summarised, as covered by {@code summaryId}. */
    static void summarisedBy(Connection c, String device, long summaryId, long upToId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE notifications SET summarised_by = ? "
                + "WHERE device = ? AND suppressed = 1 AND summarised_by IS NULL AND id <= ?")) {
            ps.setLong(1, summaryId);
            ps.setString(2, device);
            ps.setLong(3, upToId);
            ps.executeUpdate();
        }
    }

    /** Raised, not suppressed, not yet delivered: what the sender must (re)send, oldest first. */
    public List<NotificationRecord> pending() {
        return select("WHERE sent_at IS NULL AND suppressed = 0 ORDER BY id");
    }

    /** Every notification of a device (tests, dashboard), oldest first. */
    public List<NotificationRecord> of(String device) {
        return select("WHERE device = ? ORDER BY id", device);
    }

    /** Suppressed notifications of a device not yet covered by a summary, oldest first. */
    public List<NotificationRecord> unsummarisedSuppressed(String device) {
        return select("WHERE device = ? AND suppressed = 1 AND summarised_by IS NULL ORDER BY id", device);
    }

    private List<NotificationRecord> select(String where, String... args) {
        return db.inTransaction(c -> {
            List<NotificationRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT_NOTIFICATION + where)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setString(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new NotificationRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                DeviceRepository.instant(rs, 5), DeviceRepository.instant(rs, 6), DeviceRepository.instant(rs, 7),
                                rs.getInt(8) == 1, rs.getInt(9), rs.getString(10), DeviceRepository.instant(rs, 11), rs.getInt(12)));
                    }
                }
            }
            return out;
        });
    }

    public void markSent(long id, Instant at) {
        update("UPDATE notifications SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", at.toEpochMilli(), id);
    }

    public void markFailed(long id, String error) {
        update("UPDATE notifications SET attempts = attempts + 1, last_error = ? WHERE id = ?", error, id);
    }

    /** One statement with its parameters, in a transaction of its own. */
    private void update(String sql, Object... args) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The delivery state of one channel for one notification: empty, {@code sending} or {@code delivered}. */
    public Optional<String> deliveryState(long notificationId, String channel) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state FROM deliveries WHERE notification_id = ? AND channel = ?")) {
                ps.setLong(1, notificationId);
                ps.setString(2, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Records (and commits) that a channel is about to deliver, or has delivered, a notification. */
    public void recordDelivery(long notificationId, String channel, String state, Instant at) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO deliveries(notification_id, channel, state, at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT(notification_id, channel) DO UPDATE SET state = excluded.state, at = excluded.at")) {
                ps.setLong(1, notificationId);
                ps.setString(2, channel);
                ps.setString(3, state);
                ps.setLong(4, at.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets a delivery that failed for certain, so the next round tries the channel again. */
    public void forgetDelivery(long notificationId, String channel) {
        update("DELETE FROM deliveries WHERE notification_id = ? AND channel = ?", notificationId, channel);
    }

    /**
     * Raises a summary notification for the suppressed ones (ids up to {@code lastSuppressedId})
     * and marks them summarised, in one transaction; or, with {@code summary == null}, only marks
     * them (the state they ended in was already notified).
     */
    public void summarise(String device, long lastSuppressedId, NewNotification summary, Instant now) {
        db.inTransaction(c -> {
            long summaryId = summary == null ? 0 : insert(c, summary, now);
            if (summary != null && summary.fired()) {
                // A summary that says "down" opens the alert, so its "resolved" is mailed later.
                DeviceRepository.openAlert(c, device, summary.flipAt());
            }
            summarisedBy(c, device, summaryId, lastSuppressedId);
            return null;
        });
    }
}
