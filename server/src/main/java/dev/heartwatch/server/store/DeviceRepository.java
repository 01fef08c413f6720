package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.Flip;
import dev.heartwatch.core.rule.RunSignals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Devices and their alert state: each device's last beat (kept by the {@link LineWriter}), its
 * status as the evaluator last recorded it, the flips (a compare-and-set on the status), mute
 * and retirement.
 */
public final class DeviceRepository {
    /**
     * The writer's upsert of a device's last beat; a late batch never moves it back. The beat's
     * {@code parent}, {@code period} and {@code grace} ride in the same statement: the row is
     * rewritten for {@code last_seen} anyway, so keeping them costs no extra statement, page or
     * index entry per beat (they are in no index), and a value that did not change writes the
     * same bytes. So do the batch's last success, start and fail (contract v2), each the later of
     * the batch's and the stored one, and the {@code durationMs} of its latest beat that carried
     * one, with that beat's instant so an older one never replaces it.
     */
    static final String UPSERT_LAST_BEAT = "INSERT INTO devices(device, first_seen, last_seen, last_stopping, last_ip, last_running, "
            + "parent, period_ms, grace_ms, last_success, last_start, last_fail, last_fail_exit, last_duration_ms, "
            + "last_duration_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(device) DO UPDATE SET last_seen = excluded.last_seen, "
            + "last_stopping = excluded.last_stopping, last_ip = excluded.last_ip, "
            + "last_running = " + latest("last_running") + ", "
            + "parent = excluded.parent, period_ms = excluded.period_ms, grace_ms = excluded.grace_ms, "
            + "last_success = " + latest("last_success") + ", "
            + "last_start = " + latest("last_start") + ", "
            // The exit status goes with its fail: the batch's when its fail is the later one.
            + "last_fail_exit = CASE WHEN excluded.last_fail IS NOT NULL AND (devices.last_fail IS NULL "
            + "OR excluded.last_fail >= devices.last_fail) THEN excluded.last_fail_exit ELSE devices.last_fail_exit END, "
            + "last_fail = " + latest("last_fail") + ", "
            // Likewise a duration goes with its beat: the batch's when that beat is the later one.
            + "last_duration_ms = CASE WHEN excluded.last_duration_at IS NOT NULL AND (devices.last_duration_at IS NULL "
            + "OR excluded.last_duration_at >= devices.last_duration_at) THEN excluded.last_duration_ms "
            + "ELSE devices.last_duration_ms END, "
            + "last_duration_at = " + latest("last_duration_at") + " "
            + "WHERE excluded.last_seen >= devices.last_seen";

    /** The later of the batch's instant and the stored one, either may be null (SQLite's max of NULL is NULL). */
    private static String latest(String column) {
        return "coalesce(max(excluded." + column + ", devices." + column + "), excluded." + column + ", devices." + column + ")";
    }

    private static final String SELECT_DEVICE = "SELECT k.device, d.first_seen, d.last_seen, d.last_stopping, s.status, s.since, "
            + "s.alert_open, s.muted_until, s.retired_at, (SELECT max(created_at) FROM notifications n "
            + "WHERE n.device = k.device AND n.suppressed = 0), d.last_ip, d.last_running, d.parent, d.period_ms, d.grace_ms, "
            + "d.last_success, d.last_start, d.last_fail, d.last_fail_exit, d.last_duration_ms FROM ";

    private final Database db;

    DeviceRepository(Database db) {
        this.db = db;
    }

    /** @param lastRunning the batch's latest beat of the device that did not stop, null if none */
    static void bindLastBeat(PreparedStatement ps, HeartbeatLine last, long firstSeen, Long lastRunning) throws SQLException {
        bindLastBeat(ps, last, firstSeen, lastRunning, RunSignals.none());
    }

    /**
     * @param lastRunning the batch's latest beat of the device that did not stop, null if none
     * @param signals     the batch's latest success, start and fail of the device (contract v2)
     */
    static void bindLastBeat(PreparedStatement ps, HeartbeatLine last, long firstSeen, Long lastRunning,
                             RunSignals signals) throws SQLException {
        bindLastBeat(ps, last, firstSeen, lastRunning, signals, null);
    }

    /**
     * @param lastRunning the batch's latest beat of the device that did not stop, null if none
     * @param signals     the batch's latest success, start and fail of the device (contract v2)
     * @param measured    the batch's latest beat of the device that carried a {@code durationMs}, null if none
     */
    static void bindLastBeat(PreparedStatement ps, HeartbeatLine last, long firstSeen, Long lastRunning,
                             RunSignals signals, HeartbeatLine measured) throws SQLException {
        ps.setString(1, last.device());
        ps.setLong(2, firstSeen);
        ps.setLong(3, last.ts());
        ps.setInt(4, last.stopping() ? 1 : 0);
        ps.setString(5, last.ip());
        LineInserts.setLong(ps, 6, lastRunning);
        ps.setString(7, last.parent());
        LineInserts.setLong(ps, 8, last.periodMs());
        LineInserts.setLong(ps, 9, last.graceMs());
        LineInserts.setLong(ps, 10, millis(signals.lastSuccess()));
        LineInserts.setLong(ps, 11, millis(signals.lastStart()));
        LineInserts.setLong(ps, 12, millis(signals.lastFail()));
        LineInserts.setLong(ps, 13, signals.failExitStatus() == null ? null : signals.failExitStatus().longValue());
        LineInserts.setLong(ps, 14, measured == null ? null : measured.durationMs());
        LineInserts.setLong(ps, 15, measured == null ? null : measured.ts());
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    /** Every device the store knows (heard from, evaluated, muted or retired), plus {@code expected}. */
    public Map<String, DeviceRecord> all(Set<String> expected) {
        Map<String, DeviceRecord> out = new LinkedHashMap<>();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_DEVICE
                    + "(SELECT device FROM devices UNION SELECT device FROM device_state) k "
                    + "LEFT JOIN devices d ON d.device = k.device LEFT JOIN device_state s ON s.device = k.device ORDER BY k.device");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    DeviceRecord r = record(rs);
                    out.put(r.device(), r);
                }
            }
            return null;
        });
        for (String d : expected) {
            out.putIfAbsent(d, DeviceRecord.neverSeen(d));
        }
        return out;
    }

    /** The names of every device the store knows (heard from, evaluated, muted or retired). */
    public Set<String> names() {
        return db.inTransaction(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT device FROM devices UNION SELECT device FROM device_state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** How many heartbeats of {@code device} the store holds (its beat runs' counts; indexed by device). */
    public long beats(String device) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(beats), 0) FROM beat_runs WHERE device = ?")) {
                ps.setString(1, device);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** The devices of {@code names} the store knows, by their keys (never a scan), in no set order. */
    public Map<String, DeviceRecord> some(Collection<String> names) {
        Map<String, DeviceRecord> out = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        String in = Database.placeholders(names.size());
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_DEVICE
                    + "(SELECT device FROM devices WHERE device IN (" + in + ") UNION SELECT device FROM device_state WHERE device IN ("
                    + in + ")) k LEFT JOIN devices d ON d.device = k.device LEFT JOIN device_state s ON s.device = k.device")) {
                int i = 1;
                for (int round = 0; round < 2; round++) {
                    for (String n : names) {
                        ps.setString(i++, n);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        DeviceRecord r = record(rs);
                        out.put(r.device(), r);
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** One device, by its key (never a scan). */
    public Optional<DeviceRecord> device(String device) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_DEVICE
                    + "(SELECT ? AS device) k LEFT JOIN devices d ON d.device = k.device "
                    + "LEFT JOIN device_state s ON s.device = k.device WHERE d.device IS NOT NULL OR s.device IS NOT NULL")) {
                ps.setString(1, device);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(record(rs)) : Optional.<DeviceRecord>empty();
                }
            }
        });
    }

    /** Whether the store has heard from, evaluated, muted or retired {@code device}: two key lookups. */
    public boolean knows(String device) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS(SELECT 1 FROM devices WHERE device = ?) "
                    + "OR EXISTS(SELECT 1 FROM device_state WHERE device = ?)")) {
                ps.setString(1, device);
                ps.setString(2, device);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getInt(1) == 1;
                }
            }
        });
    }

    private static DeviceRecord record(ResultSet rs) throws SQLException {
        String status = rs.getString(5);
        return new DeviceRecord(rs.getString(1), instant(rs, 2), instant(rs, 3), rs.getInt(4) == 1,
                status == null ? DeviceStatus.UNKNOWN : DeviceStatus.valueOf(status), instant(rs, 6), rs.getInt(7) == 1,
                instant(rs, 8), instant(rs, 9), instant(rs, 10), rs.getString(11), instant(rs, 12), rs.getString(13),
                millis(rs, 14), millis(rs, 15), signals(rs), longOrNull(rs, 20));
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static java.time.Duration millis(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : java.time.Duration.ofMillis(v);
    }

    private static RunSignals signals(ResultSet rs) throws SQLException {
        Instant success = instant(rs, 16);
        Instant start = instant(rs, 17);
        Instant fail = instant(rs, 18);
        long exit = rs.getLong(19);
        Integer exitStatus = rs.wasNull() || fail == null ? null : (int) exit;
        return success == null && start == null && fail == null ? RunSignals.none()
                : new RunSignals(success, start, fail, exitStatus);
    }

    /**
     * Records a flip as a compare-and-set on the device's previous status, and, in the same
     * transaction, the notification it raises (if any). Returns false, writing nothing, when
     * the stored status is no longer {@code flip.from()} (another evaluator got there first).
     *
     * @param alertOpen    the device's alert state after the flip
     * @param notification the notification to raise, or null
     */
    public boolean recordFlip(Flip flip, Instant recordedAt, boolean alertOpen, NewNotification notification) {
        return db.inTransaction(c -> {
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT OR IGNORE INTO device_state(device, status, since) VALUES (?, 'UNKNOWN', NULL)")) {
                ins.setString(1, flip.device());
                ins.executeUpdate();
            }
            int changed;
            try (PreparedStatement cas = c.prepareStatement(
                    "UPDATE device_state SET status = ?, since = ?, alert_open = ?, "
                            + "fired_at = CASE WHEN ? = 'FIRED' THEN ? WHEN ? = 'RESOLVED' THEN NULL ELSE fired_at END "
                            + "WHERE device = ? AND status = ?")) {
                String cond = notification == null ? "" : notification.condition();
                cas.setString(1, flip.to().name());
                cas.setLong(2, flip.at().toEpochMilli());
                cas.setInt(3, alertOpen ? 1 : 0);
                cas.setString(4, cond);
                cas.setLong(5, flip.at().toEpochMilli());
                cas.setString(6, cond);
                cas.setString(7, flip.device());
                cas.setString(8, flip.from().name());
                changed = cas.executeUpdate();
            }
            if (changed != 1) {
                c.rollback(); // undo the placeholder row too: nothing is written
                return false;
            }
            try (PreparedStatement f = c.prepareStatement(
                    "INSERT INTO flips(device, from_status, to_status, at, recorded_at, reason) VALUES (?,?,?,?,?,?)")) {
                f.setString(1, flip.device());
                f.setString(2, flip.from().name());
                f.setString(3, flip.to().name());
                f.setLong(4, flip.at().toEpochMilli());
                f.setLong(5, recordedAt.toEpochMilli());
                f.setString(6, flip.reason());
                f.executeUpdate();
            }
            if (notification != null) {
                long id = Outbox.insert(c, notification, recordedAt);
                if (notification.suppressedBefore() > 0 && !notification.suppressed()) {
                    Outbox.summarisedBy(c, flip.device(), id, id - 1);
                }
            }
            return true;
        });
    }

    /** The stored alert-open instant of a device's current alert (when its FIRED flip happened). */
    public Optional<Instant> firedAt(String device) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT fired_at FROM device_state WHERE device = ?")) {
                ps.setString(1, device);
                try (ResultSet rs = ps.executeQuery()) {
                    return Optional.ofNullable(rs.next() ? instant(rs, 1) : null);
                }
            }
        });
    }

    /** Mutes a device's notifications until {@code until} (state changes are still recorded). */
    public void mute(String device, Instant until) {
        upsertState(device, "muted_until", until.toEpochMilli());
    }

    /** Retires a device: it is never evaluated, and never alerts, again. */
    public void retire(String device, Instant at) {
        upsertState(device, "retired_at", at.toEpochMilli());
    }

    /** Ends a device's mute. */
    public void unmute(String device) {
        clearState(device, "muted_until");
    }

    /** Restores a retired device: the evaluator takes it up again. */
    public void unretire(String device) {
        clearState(device, "retired_at");
    }

    private void clearState(String device, String column) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE device_state SET " + column + " = NULL WHERE device = ?")) {
                ps.setString(1, device);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private void upsertState(String device, String column, long value) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO device_state(device, status, " + column + ") VALUES (?, 'UNKNOWN', ?) "
                            + "ON CONFLICT(device) DO UPDATE SET " + column + " = excluded." + column)) {
                ps.setString(1, device);
                ps.setLong(2, value);
                ps.executeUpdate();
            }
            return null;
        });
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    /** Marks the device's open alert fired at {@code at} (a summary that says "down"). */
    static void openAlert(Connection c, String device, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE device_state SET alert_open = 1, fired_at = ? WHERE device = ?")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, device);
            ps.executeUpdate();
        }
    }
}
