package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.Flip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's SQLite database: the lines exactly as {@code Ping} logged them, each device's
 * last beat, its alert state, the flips and the notifications.
 *
 * <p>WAL journal with {@code synchronous=FULL} by default: every commit is fsync'd before a
 * heartbeat is acknowledged, so neither {@code kill -9} nor a power cut loses an acknowledged
 * beat; group commit ({@link LineWriter}) pays one fsync per batch, not per request.
 * {@code NORMAL} (configurable) survives {@code kill -9} too (the WAL is in the OS's cache) but
 * may lose the last commits on power loss.
 *
 * <p>Connections: one for the {@link LineWriter} thread, one "control" connection (evaluator,
 * sender, admin, queries) used under this object's lock. Another process (the {@code devices}
 * CLI) may write the same file; the busy timeout serialises it with us.
 */
public final class HeartwatchStore implements AutoCloseable {
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Connection control;
    private final Connection writerConnection;
    private final LineWriter writer;

    private final Connection checkpointConnection;
    private final java.util.concurrent.ScheduledExecutorService checkpointer;

    private final Path file;

    private HeartwatchStore(Path file, Connection control, Connection writerConnection, Connection checkpointConnection) {
        this.file = file;
        this.control = control;
        this.writerConnection = writerConnection;
        this.writer = writerConnection == null ? null : new LineWriter(writerConnection, 65_536);
        this.checkpointConnection = checkpointConnection;
        if (checkpointConnection == null) {
            this.checkpointer = null;
        } else {
            this.checkpointer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "heartwatch-wal-checkpoint");
                t.setDaemon(true);
                return t;
            });
            checkpointer.scheduleWithFixedDelay(this::checkpoint, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Copies committed WAL pages into the database file beside the writer (a PASSIVE checkpoint
     * never blocks it), so the writer's own automatic checkpoint, which it needs to restart the
     * WAL, finds almost nothing left to copy and no commit waits long for it.
     */
    private void checkpoint() {
        try (Statement s = checkpointConnection.createStatement()) {
            // PASSIVE checkpoints back to back while the WAL holds pages to copy: the writer
            // restarts the WAL from its beginning as soon as one has copied everything.
            for (int round = 0; round < 50; round++) {
                long walFrames;
                long copied;
                try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                    rs.next();
                    walFrames = rs.getLong(2);
                    copied = rs.getLong(3);
                }
                if (walFrames > MAX_WAL_FRAMES) {
                    // The copying never caught up: bound the WAL, at the price of one short stall.
                    try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                        rs.next();
                    }
                    return;
                }
                if (walFrames < 1_000 || copied >= walFrames) {
                    return;
                }
            }
        } catch (SQLException e) {
            // Busy or closing: the next round catches up.
        }
    }

    /**
     * The writer still checkpoints after commits once the WAL holds this many pages: only the
     * writer can restart the WAL from its beginning, and only right after a checkpoint that
     * copied everything. The background checkpointer has copied nearly all of them by then,
     * so the writer's share is a few pages: a commit never waits for a whole checkpoint.
     */
    static final int WRITER_CHECKPOINT_PAGES = 4_000;

    /** The WAL's bound: about 256 MiB with 4 KiB pages. */
    private static final long MAX_WAL_FRAMES = 65_536;

    /** Opens (creating if needed) the database for the server: with the line writer. */
    public static HeartwatchStore open(Path file, String synchronous) {
        return open(file, synchronous, true);
    }

    /** Opens the database for the {@code devices} CLI: control connection only. */
    public static HeartwatchStore openForAdmin(Path file) {
        return open(file, "FULL", false);
    }

    private static HeartwatchStore open(Path file, String synchronous, boolean withWriter) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection control = connect(file, synchronous);
            createSchema(control);
            Connection w = null;
            Connection cp = null;
            if (withWriter) {
                w = connect(file, synchronous);
                try (Statement s = w.createStatement()) {
                    s.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_PAGES);
                }
                w.commit();
                cp = connect(file, synchronous);
                // Outside any transaction: a checkpointer holding a read snapshot would keep the
                // writer from ever restarting the WAL.
                cp.setAutoCommit(true);
            }
            return new HeartwatchStore(file, control, w, cp);
        } catch (SQLException | IOException e) {
            throw new StoreUnavailableException("cannot open database " + file + ": " + e.getMessage());
        }
    }

    private static Connection connect(Path file, String synchronous) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + synchronous);
            s.execute("PRAGMA foreign_keys=ON");
            // After a checkpoint the WAL is cut back to this size rather than left at its peak.
            s.execute("PRAGMA journal_size_limit=67108864");
        }
        c.setAutoCommit(false);
        return c;
    }

    private static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS lines(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, kind TEXT NOT NULL, "
                    + "device TEXT, stopping INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL)");
            // One index, on time: lines arrive in time order, so every commit appends to the
            // right edge of the table and of this index (a few pages per batch). An index on
            // (device, ts) would touch one page per device per batch and halved the durable
            // rate in scripts/bench-server.sh; per-device reads filter a time range instead,
            // cheap at home scale (a device writes 1,440 lines a day at one beat a minute).
            s.execute("CREATE INDEX IF NOT EXISTS lines_ts ON lines(ts)");
            s.execute("CREATE TABLE IF NOT EXISTS devices(device TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, "
                    + "last_seen INTEGER NOT NULL, last_stopping INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS device_state(device TEXT PRIMARY KEY, status TEXT NOT NULL, "
                    + "since INTEGER, alert_open INTEGER NOT NULL DEFAULT 0, fired_at INTEGER, muted_until INTEGER, retired_at INTEGER)");
            s.execute("CREATE TABLE IF NOT EXISTS flips(id INTEGER PRIMARY KEY, device TEXT NOT NULL, from_status TEXT NOT NULL, "
                    + "to_status TEXT NOT NULL, at INTEGER NOT NULL, recorded_at INTEGER NOT NULL, reason TEXT NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS flips_device ON flips(device, at)");
            s.execute("CREATE TABLE IF NOT EXISTS notifications(id INTEGER PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE, "
                    + "device TEXT NOT NULL, condition TEXT NOT NULL, flip_at INTEGER NOT NULL, created_at INTEGER NOT NULL, "
                    + "fired_at INTEGER, suppressed INTEGER NOT NULL DEFAULT 0, summarised_by INTEGER, suppressed_before INTEGER NOT NULL DEFAULT 0, "
                    + "reason TEXT NOT NULL, sent_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)");
            s.execute("CREATE INDEX IF NOT EXISTS notifications_pending ON notifications(sent_at, suppressed)");
            s.execute("CREATE INDEX IF NOT EXISTS notifications_device ON notifications(device, created_at)");
            // One row per notification and channel: 'sending' is committed before the channel is
            // called and 'delivered' right after, so a crash in between is visible after restart.
            s.execute("CREATE TABLE IF NOT EXISTS deliveries(notification_id INTEGER NOT NULL, channel TEXT NOT NULL, "
                    + "state TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(notification_id, channel))");
        }
        c.commit();
    }

    /** The group-commit writer of the lines; null for an admin-only store. */
    public LineWriter lines() {
        return writer;
    }

    // ---------------------------------------------------------------- devices and state

    /** Every device the store knows (heard from, evaluated, muted or retired), plus {@code expected}. */
    public synchronized Map<String, DeviceRecord> devices(Set<String> expected) {
        Map<String, DeviceRecord> out = new LinkedHashMap<>();
        String sql = "SELECT k.device, d.first_seen, d.last_seen, d.last_stopping, s.status, s.since, s.alert_open, "
                + "s.muted_until, s.retired_at, (SELECT max(created_at) FROM notifications n WHERE n.device = k.device AND n.suppressed = 0) "
                + "FROM (SELECT device FROM devices UNION SELECT device FROM device_state) k "
                + "LEFT JOIN devices d ON d.device = k.device LEFT JOIN device_state s ON s.device = k.device ORDER BY k.device";
        try (PreparedStatement ps = control.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String status = rs.getString(5);
                out.put(rs.getString(1), new DeviceRecord(rs.getString(1), instant(rs, 2), instant(rs, 3),
                        rs.getInt(4) == 1, status == null ? DeviceStatus.UNKNOWN : DeviceStatus.valueOf(status),
                        instant(rs, 6), rs.getInt(7) == 1, instant(rs, 8), instant(rs, 9), instant(rs, 10)));
            }
            control.commit();
        } catch (SQLException e) {
            throw failure(e);
        }
        for (String d : expected) {
            out.putIfAbsent(d, new DeviceRecord(d, null, null, false, DeviceStatus.UNKNOWN, null, false, null, null, null));
        }
        return out;
    }

    public Optional<DeviceRecord> device(String device) {
        return Optional.ofNullable(devices(Set.of()).get(device));
    }

    /**
     * Records a flip as a compare-and-set on the device's previous status, and, in the same
     * transaction, the notification it raises (if any). Returns false, writing nothing, when
     * the stored status is no longer {@code flip.from()} (another evaluator got there first).
     *
     * @param alertOpen    the device's alert state after the flip
     * @param notification the notification to raise, or null
     */
    public synchronized boolean recordFlip(Flip flip, Instant recordedAt, boolean alertOpen, NewNotification notification) {
        try {
            try (PreparedStatement ins = control.prepareStatement(
                    "INSERT OR IGNORE INTO device_state(device, status, since) VALUES (?, 'UNKNOWN', NULL)")) {
                ins.setString(1, flip.device());
                ins.executeUpdate();
            }
            int changed;
            try (PreparedStatement cas = control.prepareStatement(
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
                control.rollback();
                return false;
            }
            try (PreparedStatement f = control.prepareStatement(
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
                long id = insertNotification(notification, recordedAt);
                if (notification.suppressedBefore() > 0 && !notification.suppressed()) {
                    try (PreparedStatement ps = control.prepareStatement("UPDATE notifications SET summarised_by = ? "
                            + "WHERE device = ? AND suppressed = 1 AND summarised_by IS NULL AND id < ?")) {
                        ps.setLong(1, id);
                        ps.setString(2, flip.device());
                        ps.setLong(3, id);
                        ps.executeUpdate();
                    }
                }
            }
            control.commit();
            return true;
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure(e);
        }
    }

    /** The stored alert-open instant of a device's current alert (when its FIRED flip happened). */
    public synchronized Optional<Instant> firedAt(String device) {
        try (PreparedStatement ps = control.prepareStatement("SELECT fired_at FROM device_state WHERE device = ?")) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                Instant at = rs.next() ? instant(rs, 1) : null;
                control.commit();
                return Optional.ofNullable(at);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Mutes a device's notifications until {@code until} (state changes are still recorded). */
    public synchronized void mute(String device, Instant until) {
        upsertState(device, "muted_until", until.toEpochMilli());
    }

    /** Retires a device: it is never evaluated, and never alerts, again. */
    public synchronized void retire(String device, Instant at) {
        upsertState(device, "retired_at", at.toEpochMilli());
    }

    private void upsertState(String device, String column, long value) {
        try (PreparedStatement ps = control.prepareStatement(
                "INSERT INTO device_state(device, status, " + column + ") VALUES (?, 'UNKNOWN', ?) "
                        + "ON CONFLICT(device) DO UPDATE SET " + column + " = excluded." + column)) {
            ps.setString(1, device);
            ps.setLong(2, value);
            ps.executeUpdate();
            control.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure(e);
        }
    }

    // ---------------------------------------------------------------- notifications

    /** A notification to raise with a flip, or as a summary. */
    public record NewNotification(String idemKey, String device, String condition, Instant flipAt, Instant firedAt,
                                  boolean suppressed, int suppressedBefore, String reason) {
        public boolean fired() {
            return NotificationRecord.FIRED.equals(condition);
        }
    }

    private long insertNotification(NewNotification n, Instant createdAt) throws SQLException {
        try (PreparedStatement ps = control.prepareStatement(
                "INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, fired_at, suppressed, "
                        + "suppressed_before, reason) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(idem_key) DO NOTHING",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, n.idemKey());
            ps.setString(2, n.device());
            ps.setString(3, n.condition());
            ps.setLong(4, n.flipAt().toEpochMilli());
            ps.setLong(5, createdAt.toEpochMilli());
            if (n.firedAt() == null) {
                ps.setNull(6, java.sql.Types.INTEGER);
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

    /** Raised, not suppressed, not yet delivered: what the sender must (re)send, oldest first. */
    public synchronized List<NotificationRecord> pendingNotifications() {
        return notificationsWhere("WHERE sent_at IS NULL AND suppressed = 0 ORDER BY id");
    }

    /** Every notification of a device (tests, dashboard), oldest first. */
    public synchronized List<NotificationRecord> notifications(String device) {
        try (PreparedStatement ps = control.prepareStatement(SELECT_NOTIFICATION + "WHERE device = ? ORDER BY id")) {
            ps.setString(1, device);
            return readNotifications(ps);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static final String SELECT_NOTIFICATION = "SELECT id, idem_key, device, condition, flip_at, created_at, fired_at, "
            + "suppressed, suppressed_before, reason, sent_at, attempts FROM notifications ";

    private List<NotificationRecord> notificationsWhere(String where) {
        try (PreparedStatement ps = control.prepareStatement(SELECT_NOTIFICATION + where)) {
            return readNotifications(ps);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private List<NotificationRecord> readNotifications(PreparedStatement ps) throws SQLException {
        List<NotificationRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new NotificationRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs, 5), instant(rs, 6), instant(rs, 7), rs.getInt(8) == 1, rs.getInt(9),
                        rs.getString(10), instant(rs, 11), rs.getInt(12)));
            }
        }
        control.commit();
        return out;
    }

    public synchronized void markSent(long id, Instant at) {
        execute("UPDATE notifications SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", at.toEpochMilli(), id);
    }

    /** The delivery state of one channel for one notification: empty, {@code sending} or {@code delivered}. */
    public synchronized Optional<String> deliveryState(long notificationId, String channel) {
        try (PreparedStatement ps = control.prepareStatement(
                "SELECT state FROM deliveries WHERE notification_id = ? AND channel = ?")) {
            ps.setLong(1, notificationId);
            ps.setString(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Records (and commits) that a channel is about to deliver, or has delivered, a notification. */
    public synchronized void recordDelivery(long notificationId, String channel, String state, Instant at) {
        try (PreparedStatement ps = control.prepareStatement(
                "INSERT INTO deliveries(notification_id, channel, state, at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT(notification_id, channel) DO UPDATE SET state = excluded.state, at = excluded.at")) {
            ps.setLong(1, notificationId);
            ps.setString(2, channel);
            ps.setString(3, state);
            ps.setLong(4, at.toEpochMilli());
            ps.executeUpdate();
            control.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure(e);
        }
    }

    /** Forgets a delivery that failed for certain, so the next round tries the channel again. */
    public synchronized void forgetDelivery(long notificationId, String channel) {
        try (PreparedStatement ps = control.prepareStatement(
                "DELETE FROM deliveries WHERE notification_id = ? AND channel = ?")) {
            ps.setLong(1, notificationId);
            ps.setString(2, channel);
            ps.executeUpdate();
            control.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure(e);
        }
    }

    public synchronized void markFailed(long id, String error) {
        try (PreparedStatement ps = control.prepareStatement(
                "UPDATE notifications SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
            ps.setString(1, error);
            ps.setLong(2, id);
            ps.executeUpdate();
            control.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure(e);
        }
    }

    /** Suppressed notifications of a device not yet covered by a summary, oldest first. */
    public synchronized List<NotificationRecord> unsummarisedSuppressed(String device) {
        try (PreparedStatement ps = control.prepareStatement(SELECT_NOTIFICATION
                + "WHERE device = ? AND suppressed = 1 AND summarised_by IS NULL ORDER BY id")) {
            ps.setString(1, device);
            return readNotifications(ps);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Raises a summary notification for the suppressed ones (ids up to {@code lastSuppressedId})
     * and marks them summarised, in one transaction; or, with {@code summary == null}, only marks
     * them (the state they ended in was already notified).
     */
    public synchronized void summarise(String device, long lastSuppressedId, NewNotification summary, Instant now) {
        try {
            long summaryId = summary == null ? 0 : insertNotification(summary, now);
            if (summary != null && summary.fired()) {
                // A summary that says "down" opens the alert, so its "resolved" is mailed later.
                try (PreparedStatement ps = control.prepareStatement(
                        "UPDATE device_state SET alert_open = 1, fired_at = ? WHERE device = ?")) {
                    ps.setLong(1, summary.flipAt().toEpochMilli());
                    ps.setString(2, device);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = control.prepareStatement(
                    "UPDATE notifications SET summarised_by = ? WHERE device = ? AND suppressed = 1 AND summarised_by IS NULL AND id <= ?")) {
                ps.setLong(1, summaryId);
                ps.setString(2, device);
                ps.setLong(3, lastSuppressedId);
                ps.executeUpdate();
            }
            control.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure(e);
        }
    }

    // ---------------------------------------------------------------- lines

    /** A device's heartbeats with receiver time in [from, to], oldest first. */
    public synchronized List<Beat> beats(String device, Instant from, Instant to) {
        List<Beat> out = new ArrayList<>();
        try (PreparedStatement ps = control.prepareStatement(
                "SELECT ts, stopping FROM lines WHERE device = ? AND kind = 'heartbeat' AND ts BETWEEN ? AND ? ORDER BY ts")) {
            ps.setString(1, device);
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant at = Instant.ofEpochMilli(rs.getLong(1));
                    out.add(rs.getInt(2) == 1 ? Beat.stopping(device, at) : Beat.of(device, at));
                }
            }
            control.commit();
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** A device's {@code [outage]} reports received in [from, to], duplicates included (the merge drops them). */
    public synchronized List<ReportedOutage> reportedOutages(String device, Instant from, Instant to) {
        List<ReportedOutage> out = new ArrayList<>();
        for (String text : lineTexts(device, "outage", from, to)) {
            try {
                ContractLine line = LineCodec.decode(text);
                if (line instanceof OutageLine o && o.end() >= o.start()) {
                    out.add(new ReportedOutage(o.device(), o.id(), Instant.ofEpochMilli(o.start()), Instant.ofEpochMilli(o.end()),
                            o.cause(), o.detail(), o.skewMs() == null ? null : Duration.ofMillis(o.skewMs())));
                }
            } catch (MalformedLineException e) {
                // Only Ping writes these rows; a line that does not decode is not an outage report.
            }
        }
        return out;
    }

    /** The stored texts of one kind ({@code heartbeat}, {@code outage}, {@code probe}, {@code log}) for a device (null: any). */
    public synchronized List<String> lineTexts(String device, String kind, Instant from, Instant to) {
        List<String> out = new ArrayList<>();
        String sql = "SELECT text FROM lines WHERE kind = ? AND ts BETWEEN ? AND ? "
                + (device == null ? "" : "AND device = ? ") + "ORDER BY id";
        try (PreparedStatement ps = control.prepareStatement(sql)) {
            ps.setString(1, kind);
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
            if (device != null) {
                ps.setString(4, device);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            control.commit();
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Receives stored lines one at a time; may throw the I/O error of the client it writes to. */
    @FunctionalInterface
    public interface LineSink {
        void accept(String text) throws IOException;
    }

    /**
     * Streams the stored {@code [heartbeat]} and {@code [outage]} lines with {@code from <= ts < to}
     * (of {@code device} only, when not null) in {@code ts} order to {@code sink}, one row at a
     * time: memory stays bounded however long the period. It reads on a connection of its own
     * (WAL: readers never block the writer), so a slow client never holds the store's lock.
     */
    public void streamLines(Instant from, Instant to, String device, LineSink sink) throws IOException {
        String sql = "SELECT text FROM lines WHERE ts >= ? AND ts < ? AND kind IN ('heartbeat', 'outage') "
                + (device == null ? "" : "AND device = ? ") + "ORDER BY ts, id";
        try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            try (Statement s = reader.createStatement()) {
                s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
                s.execute("PRAGMA query_only=ON");
            }
            try (PreparedStatement ps = reader.prepareStatement(sql)) {
                ps.setFetchSize(512);
                ps.setLong(1, from.toEpochMilli());
                ps.setLong(2, to.toEpochMilli());
                if (device != null) {
                    ps.setString(3, device);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized long countLines() {
        try (PreparedStatement ps = control.prepareStatement("SELECT count(*) FROM lines"); ResultSet rs = ps.executeQuery()) {
            long n = rs.next() ? rs.getLong(1) : 0;
            control.commit();
            return n;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Deletes lines older than {@code cutoff} in small transactions (so ingestion never waits long); returns how many. */
    public long prune(Instant cutoff) {
        long total = 0;
        while (true) {
            int n;
            synchronized (this) {
                // Rows arrive in receiver-time order, so the oldest rowids are the oldest lines:
                // delete from the start of the table up to the first line inside the retention.
                try (PreparedStatement ps = control.prepareStatement(
                        "DELETE FROM lines WHERE id IN (SELECT id FROM (SELECT id, ts FROM lines ORDER BY id LIMIT 5000) WHERE ts < ?)")) {
                    ps.setLong(1, cutoff.toEpochMilli());
                    n = ps.executeUpdate();
                    control.commit();
                } catch (SQLException e) {
                    rollbackQuietly();
                    throw failure(e);
                }
            }
            total += n;
            if (n < 5000) {
                return total;
            }
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void execute(String sql, long a, long b) {
        try (PreparedStatement ps = control.prepareStatement(sql)) {
            ps.setLong(1, a);
            ps.setLong(2, b);
            ps.executeUpdate();
            control.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw failure(e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private void rollbackQuietly() {
        try {
            control.rollback();
        } catch (SQLException ignored) {
            // Nothing more to undo.
        }
    }

    private static StoreUnavailableException failure(SQLException e) {
        return new StoreUnavailableException("database error: " + e.getMessage());
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (checkpointer != null) {
            checkpointer.shutdownNow();
        }
        synchronized (this) {
            try {
                if (checkpointConnection != null) {
                    checkpointConnection.close();
                }
                control.close();
                if (writerConnection != null) {
                    writerConnection.close();
                }
            } catch (SQLException ignored) {
                // Closing: SQLite has committed everything that was acknowledged.
            }
        }
    }
}
