package dev.heartwatch.server.store;

import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.AlertPlan;
import dev.heartwatch.core.notify.OutgoingAlert;
import dev.heartwatch.core.notify.RaisedAlert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notifications raised (with their flip, or as a cooldown summary), the aggregation policy's
 * plan for them ({@link #applyPlan}) and each channel's delivery of them: {@code sending} is
 * committed before the channel is called and {@code delivered} (or {@code retry}, {@code failed})
 * right after, so a crash in between is visible after a restart.
 */
public final class Outbox {
    /** Delivery states of one channel for one notification. */
    public static final String SENDING = "sending";
    public static final String DELIVERED = "delivered";
    public static final String RETRY = "retry";
    public static final String FAILED = "failed";
    /** The device registry does not route this message to the channel (ChannelRouting): done there, sent nothing. */
    public static final String SKIPPED = "skipped";

    private static final String SELECT_NOTIFICATION = "SELECT id, idem_key, device, condition, flip_at, created_at, fired_at, "
            + "suppressed, suppressed_before, reason, sent_at, attempts, kind, thread_key, carried_by, behind, planned_at "
            + "FROM notifications n ";
    /** A message of its own (not carried by another), planned, not gathering, not suppressed, not finished. */
    private static final String CARRIER = "planned_at IS NOT NULL AND suppressed = 0 AND carried_by IS NULL AND sent_at IS NULL "
            + "AND gathering = 0 ";

    private final Database db;

    Outbox(Database db) {
        this.db = db;
    }

    /**
     * Inserts a notification in the caller's transaction, not yet planned (a suppressed one is
     * never sent, so it needs no plan); a repeated idempotency key inserts nothing (-1).
     */
    static long insert(Connection c, NewNotification n, Instant createdAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, fired_at, suppressed, "
                        + "suppressed_before, reason, planned_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(idem_key) DO NOTHING",
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
            if (n.suppressed()) {
                ps.setLong(10, createdAt.toEpochMilli());
            } else {
                ps.setNull(10, Types.INTEGER);
            }
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

    /** Messages every channel still has to finish (planned, not suppressed, not sent), oldest first. */
    public List<NotificationRecord> pending() {
        return select("WHERE " + CARRIER + "ORDER BY id");
    }

    /** Raised and not yet planned by the aggregation policy (nothing sends them yet), oldest first. */
    public List<NotificationRecord> unplanned() {
        return select("WHERE planned_at IS NULL AND suppressed = 0 ORDER BY id");
    }

    /**
     * The next messages one channel has to deliver, oldest first: planned, unfinished, and neither
     * delivered nor failed for good on this channel.
     */
    public List<NotificationRecord> pendingFor(String channel, long afterId, int limit) {
        return select("WHERE " + CARRIER + "AND id > " + afterId + " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.notification_id = n.id "
                + "AND d.channel = ? AND d.state IN ('" + DELIVERED + "', '" + FAILED + "', '" + SKIPPED + "')) ORDER BY id LIMIT " + limit, channel);
    }

    /** The digests still gathering a storm (not sent yet), by condition, with the instant each opened. */
    public Map<AlertCondition, Instant> gatheringDigests() {
        return db.inTransaction(c -> {
            Map<AlertCondition, Instant> open = new EnumMap<>(AlertCondition.class);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT condition, min(flip_at) FROM notifications WHERE kind = ? AND gathering = 1 GROUP BY condition")) {
                ps.setString(1, NotificationRecord.DIGEST);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        open.put(AlertCondition.valueOf(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2)));
                    }
                }
            }
            return open;
        });
    }

    /** The notifications a message speaks for besides its own (a digest's members, the checks behind a device), oldest first. */
    public List<NotificationRecord> carriedBy(long id) {
        return select("WHERE carried_by = ? ORDER BY id", String.valueOf(id));
    }

    /**
     * The device its DOWN of {@code firedFlipAt} was planned behind (folded into that parent's
     * message, or absorbed by its DOWN already sent), if it was; found by the device's index.
     */
    public Optional<String> firedBehind(String device, Instant firedFlipAt) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT behind FROM notifications WHERE device = ? AND condition = ? "
                    + "AND flip_at = ? AND suppressed = 0 AND behind IS NOT NULL ORDER BY id DESC LIMIT 1")) {
                ps.setString(1, device);
                ps.setString(2, NotificationRecord.FIRED);
                ps.setLong(3, firedFlipAt.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
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
                                rs.getInt(8) == 1, rs.getInt(9), rs.getString(10), DeviceRepository.instant(rs, 11), rs.getInt(12),
                                rs.getString(13), rs.getString(14), carried(rs), rs.getString(16), DeviceRepository.instant(rs, 17)));
                    }
                }
            }
            return out;
        });
    }

    private static Long carried(ResultSet rs) throws SQLException {
        long v = rs.getLong(15);
        return rs.wasNull() ? null : v;
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

    /**
     * Records the end of one attempt that did not deliver ({@link #RETRY} or {@link #FAILED}),
     * with the channel's short reason (ours, never the receiver's text).
     */
    public void recordFailedAttempt(long notificationId, String channel, String state, String reason, Instant at) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO deliveries(notification_id, channel, state, at, attempts, last_error) VALUES (?, ?, ?, ?, 1, ?) "
                            + "ON CONFLICT(notification_id, channel) DO UPDATE SET state = excluded.state, at = excluded.at, "
                            + "attempts = attempts + 1, last_error = excluded.last_error")) {
                ps.setLong(1, notificationId);
                ps.setString(2, channel);
                ps.setString(3, state);
                ps.setLong(4, at.toEpochMilli());
                ps.setString(5, reason);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE notifications SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
                ps.setString(1, channel + ": " + reason);
                ps.setLong(2, notificationId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Attempts recorded for one channel's delivery of a notification, and its last error (tests, dashboard). */
    public Optional<DeliveryAttempts> attempts(long notificationId, String channel) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, attempts, last_error FROM deliveries WHERE notification_id = ? AND channel = ?")) {
                ps.setLong(1, notificationId);
                ps.setString(2, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new DeliveryAttempts(rs.getString(1), rs.getInt(2), rs.getString(3)))
                            : Optional.<DeliveryAttempts>empty();
                }
            }
        });
    }

    /** One channel's delivery of one notification: its state, failed attempts so far and the last reason. */
    public record DeliveryAttempts(String state, int failedAttempts, String lastError) {
    }

    /**
     * Marks a message sent, with everything it carries, once every one of {@code channels} is done
     * with it (delivered, failed for good, or skipped: not routed there); returns whether it was.
     */
    public boolean completeIfDone(long id, Collection<String> channels, Instant at) {
        return db.inTransaction(c -> {
            int done = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT channel FROM deliveries WHERE notification_id = ? "
                    + "AND state IN ('" + DELIVERED + "', '" + FAILED + "', '" + SKIPPED + "')")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        done += channels.contains(rs.getString(1)) ? 1 : 0;
                    }
                }
            }
            if (done < channels.size()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE notifications SET sent_at = ? WHERE (id = ? OR carried_by = ?) AND sent_at IS NULL")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setLong(2, id);
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Writes the aggregation policy's decisions for notifications raised by one evaluation, in one
     * transaction: each message's thread; a digest row per digest, carrying its members; checks
     * folded into their parent's message; checks absorbed by a parent's earlier DOWN (done, sent
     * nothing). Held notifications stay unplanned, for a later evaluation.
     */
    public void applyPlan(AlertPlan plan, Instant now) {
        db.inTransaction(c -> {
            long at = now.toEpochMilli();
            for (OutgoingAlert m : plan.messages()) {
                if (m instanceof OutgoingAlert.Single s) {
                    long lead = plan(c, s.alert(), s.threadKey(), null, null, at);
                    for (RaisedAlert check : s.behind()) {
                        plan(c, check, s.threadKey(), lead, s.alert().device(), at);
                    }
                } else if (m instanceof OutgoingAlert.Digest d) {
                    long digest = d.joinsOpen() ? gatheringDigest(c, d.condition()) : insertDigest(c, d, at);
                    for (OutgoingAlert.Single s : d.members()) {
                        plan(c, s.alert(), s.threadKey(), digest, null, at);
                        for (RaisedAlert check : s.behind()) {
                            plan(c, check, s.threadKey(), digest, s.alert().device(), at);
                        }
                    }
                }
            }
            for (AlertCondition released : plan.released()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE notifications SET gathering = 0 WHERE kind = ? AND gathering = 1 AND condition = ?")) {
                    ps.setString(1, NotificationRecord.DIGEST);
                    ps.setString(2, released.name());
                    ps.executeUpdate();
                }
            }
            for (AlertPlan.Absorbed a : plan.absorbed()) {
                plan(c, a.alert(), a.alert().threadKey(), 0L, a.parent(), at);
                try (PreparedStatement ps = c.prepareStatement("UPDATE notifications SET sent_at = ? WHERE idem_key = ?")) {
                    ps.setLong(1, at);
                    ps.setString(2, a.alert().key());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Plans one notification (found by its idempotency key); returns its id. */
    private static long plan(Connection c, RaisedAlert r, String threadKey, Long carriedBy, String behind, long at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE notifications SET planned_at = ?, thread_key = ?, carried_by = ?, "
                + "behind = ? WHERE idem_key = ? RETURNING id")) {
            ps.setLong(1, at);
            ps.setString(2, threadKey);
            if (carriedBy == null) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setLong(3, carriedBy);
            }
            ps.setString(4, behind);
            ps.setString(5, r.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no notification " + r.key() + " to plan");
                }
                return rs.getLong(1);
            }
        }
    }

    private static long gatheringDigest(Connection c, AlertCondition condition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM notifications WHERE kind = ? AND gathering = 1 AND condition = ? ORDER BY id LIMIT 1")) {
            ps.setString(1, NotificationRecord.DIGEST);
            ps.setString(2, condition.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no " + condition + " digest gathering to join");
                }
                return rs.getLong(1);
            }
        }
    }

    /** A new digest row, gathering until the plan releases it. */
    private static long insertDigest(Connection c, OutgoingAlert.Digest d, long at) throws SQLException {
        String reason = "many devices flipped together";
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, fired_at, suppressed, "
                        + "suppressed_before, reason, planned_at, kind, thread_key, gathering) "
                        + "VALUES (?, '', ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, 1) "
                        + "RETURNING id")) {
            // The first member's key is unique, and so is the digest's: one digest per member set.
            ps.setString(1, "digest:" + d.members().get(0).alert().key());
            ps.setString(2, d.condition().name());
            ps.setLong(3, d.evaluatedAt().toEpochMilli());
            ps.setLong(4, at);
            if (d.condition() == AlertCondition.FIRED) {
                ps.setLong(5, d.evaluatedAt().toEpochMilli());
            } else {
                ps.setNull(5, Types.INTEGER);
            }
            ps.setString(6, reason);
            ps.setLong(7, at);
            ps.setString(8, NotificationRecord.DIGEST);
            ps.setString(9, d.threadKey());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
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
