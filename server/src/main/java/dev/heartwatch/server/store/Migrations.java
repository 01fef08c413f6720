package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.RaisedAlert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema's history: migration {@code n} takes a file from {@code PRAGMA user_version = n - 1}
 * to {@code n}, in one transaction with the version bump, so a crash leaves the file at one
 * version or the next, never between. Each migration is frozen once shipped: a change to the
 * schema is a new one at the end of {@link #ALL}.
 */
final class Migrations {

    @FunctionalInterface
    interface Migration {
        void apply(Connection c) throws SQLException;
    }

    /** In order; migration i (0-based) brings the file to version i + 1. */
    static final List<Migration> ALL = List.of(Migrations::v1LinesAsText, Migrations::v2TypedFacts,
            Migrations::v3DeliveryPlan, Migrations::v4ChannelThreads,
            Migrations::v5CheckedReports, Migrations::v6LastRunningBeat, Migrations::v7DeviceRegistry,
            Migrations::v8BeatSchedule, Migrations::v9StartAndFailSignals, Migrations::v10BeatLineSchedule,
            Migrations::v11RunLastSchedule);

    private Migrations() {
    }

    static int latest() {
        return ALL.size();
    }

    /** Brings the file to the latest version; refuses a file from a newer server. */
    static void apply(Connection c) throws SQLException {
        int version = version(c);
        c.commit();
        if (version > latest()) {
            throw new SQLException("the database is at schema version " + version + ", newer than this server's "
                    + latest() + ": run the newer server, or restore a backup");
        }
        for (int v = version; v < latest(); v++) {
            Migration m = ALL.get(v);
            int next = v + 1;
            Database.inTransaction(c, conn -> {
                m.apply(conn);
                try (Statement s = conn.createStatement()) {
                    s.execute("PRAGMA user_version = " + next);
                }
                return null;
            });
        }
    }

    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Version 1: the schema every server shipped before versioning (user_version 0), each line
     * kept as its text. {@code IF NOT EXISTS} throughout, because such a file already holds it.
     */
    static void v1LinesAsText(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS lines(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, kind TEXT NOT NULL, "
                    + "device TEXT, stopping INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL)");
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
            s.execute("CREATE TABLE IF NOT EXISTS deliveries(notification_id INTEGER NOT NULL, channel TEXT NOT NULL, "
                    + "state TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(notification_id, channel))");
        }
    }

    /**
     * Version 2: every fact in typed columns (heartbeats, outages, probes), the devices' last
     * address, the beat runs (the dashboard's rollup, built at open by {@link BeatRuns}) and the
     * settings they were built with. The text lines of version 1 are decoded one last time into
     * the typed tables (the only place the server ever reads a line's text), then dropped; lines
     * that were not contract lines (Ping's own warnings, kind {@code log}) were never facts.
     */
    static void v2TypedFacts(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // One index per fact table, on time: rows arrive in time order, so every commit
            // appends at the right edge of the table and of the index (a few pages per batch);
            // an index on (device, ts) touched one page per device per batch and halved the
            // durable rate in scripts/bench-server.sh. Per-device reads use the runs instead.
            s.execute("CREATE TABLE heartbeats(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, device TEXT NOT NULL, "
                    + "stopping INTEGER NOT NULL, ip TEXT, seq INTEGER, sent_at INTEGER, skew_ms INTEGER, "
                    + "agent_version TEXT, outages INTEGER NOT NULL DEFAULT 0, note TEXT)");
            s.execute("CREATE INDEX heartbeats_ts ON heartbeats(ts)");
            // agent_start/agent_end in the agent's clock as reported; receiver_* moved by the skew.
            s.execute("CREATE TABLE outages(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, device TEXT NOT NULL, "
                    + "outage_id TEXT NOT NULL, agent_start INTEGER NOT NULL, agent_end INTEGER NOT NULL, cause TEXT NOT NULL, "
                    + "skew_ms INTEGER, detail TEXT, receiver_start INTEGER NOT NULL, receiver_end INTEGER NOT NULL)");
            s.execute("CREATE INDEX outages_ts ON outages(ts)");
            s.execute("CREATE INDEX outages_device_ts ON outages(device, ts)");
            // Found by when they happened, not when they arrived: a report 300 days late lands
            // in its own period at once.
            s.execute("CREATE INDEX outages_receiver_end ON outages(receiver_end)");
            s.execute("CREATE TABLE probes(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, ip TEXT, note TEXT)");
            s.execute("CREATE INDEX probes_ts ON probes(ts)");
            s.execute("CREATE TABLE beat_runs(id INTEGER PRIMARY KEY, device TEXT NOT NULL, first_beat INTEGER NOT NULL, "
                    + "last_beat INTEGER NOT NULL, beats INTEGER NOT NULL, last_stopping INTEGER NOT NULL)");
            s.execute("CREATE INDEX beat_runs_device ON beat_runs(device, first_beat)");
            s.execute("CREATE INDEX beat_runs_last ON beat_runs(last_beat)");
            s.execute("CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("ALTER TABLE devices ADD COLUMN last_ip TEXT");
        }
        Map<String, String> lastIp = new HashMap<>();
        Map<String, Long> lastIpAt = new HashMap<>();
        try (PreparedStatement read = c.prepareStatement("SELECT ts, kind, device, stopping, text FROM lines ORDER BY id");
             LineInserts insert = new LineInserts(c, false)) {
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String kind = rs.getString(2);
                    ContractLine line = decodeLegacy(rs.getString(5));
                    if (line == null && "heartbeat".equals(kind) && rs.getString(3) != null) {
                        // A heartbeat row whose text does not decode still says when the device was heard.
                        line = new HeartbeatLine(rs.getLong(1), rs.getString(3), rs.getInt(4) == 1 ? "stopping" : "running",
                                null, null, null, null, null, 0, null);
                    }
                    if (line == null) {
                        continue;
                    }
                    insert.add(line);
                    if (line instanceof HeartbeatLine h && h.ip() != null && h.ts() >= lastIpAt.getOrDefault(h.device(), Long.MIN_VALUE)) {
                        lastIp.put(h.device(), h.ip());
                        lastIpAt.put(h.device(), h.ts());
                    }
                }
            }
            insert.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET last_ip = ? WHERE device = ?")) {
            for (Map.Entry<String, String> e : lastIp.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE lines");
        }
    }

    /**
     * Version 3: the aggregation policy's decisions and each channel's own retries. A notification
     * is delivered only once planned ({@code planned_at}): alone, in a digest row ({@code kind}
     * {@code digest}) or behind its parent's message ({@code carried_by}, {@code behind}), in its
     * outage's thread ({@code thread_key}); a digest is not sent while it is still gathering a
     * storm ({@code gathering}). Rows of version 2 were planned one by one, so they
     * count as planned, each in its own thread. A delivery keeps its attempts and last error.
     */
    static void v3DeliveryPlan(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE notifications ADD COLUMN planned_at INTEGER");
            s.execute("ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT 'single'");
            s.execute("ALTER TABLE notifications ADD COLUMN thread_key TEXT");
            s.execute("ALTER TABLE notifications ADD COLUMN carried_by INTEGER");
            s.execute("ALTER TABLE notifications ADD COLUMN behind TEXT");
            s.execute("ALTER TABLE notifications ADD COLUMN gathering INTEGER NOT NULL DEFAULT 0");
            s.execute("UPDATE notifications SET planned_at = created_at");
            s.execute("CREATE INDEX notifications_unplanned ON notifications(planned_at)");
            s.execute("CREATE INDEX notifications_carried ON notifications(carried_by)");
            s.execute("ALTER TABLE deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0");
            s.execute("ALTER TABLE deliveries ADD COLUMN last_error TEXT");
        }
        // The thread key is core's (RaisedAlert.threadKey: device@ISO instant), written by Java so both agree.
        try (PreparedStatement read = c.prepareStatement("SELECT id, device, condition, flip_at, fired_at FROM notifications");
             PreparedStatement write = c.prepareStatement("UPDATE notifications SET thread_key = ? WHERE id = ?");
             ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                long firedAt = rs.getLong(5);
                boolean known = !rs.wasNull();
                RaisedAlert r = new RaisedAlert(String.valueOf(rs.getLong(1)), rs.getString(2),
                        NotificationRecord.FIRED.equals(rs.getString(3)) ? AlertCondition.FIRED : AlertCondition.RESOLVED,
                        Instant.ofEpochMilli(rs.getLong(4)), known ? Instant.ofEpochMilli(firedAt) : null, null);
                write.setString(1, r.threadKey());
                write.setLong(2, rs.getLong(1));
                write.addBatch();
            }
            write.executeBatch();
        }
    }

    /**
     * Version 5: each outage report's verdict against the record ({@code ReportChecks}): the
     * interval counted ({@code clipped_*}, receiver clock; null when rejected) and the reason's
     * code. Reports stored before it have no verdict ({@code clip} null) and count as reported.
     */
    static void v5CheckedReports(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE outages ADD COLUMN clipped_start INTEGER");
            s.execute("ALTER TABLE outages ADD COLUMN clipped_end INTEGER");
            s.execute("ALTER TABLE outages ADD COLUMN clip TEXT");
        }
    }

    /**
     * Version 6: each device's last beat that did not say {@code stopping}, so the rule can tell
     * a stop from a device that was up from one sent to a device already down (issue 14 D6).
     * Filled from the stored beats in one pass.
     */
    static void v6LastRunningBeat(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE devices ADD COLUMN last_running INTEGER");
            s.execute("UPDATE devices SET last_running = r.ts FROM (SELECT device, max(ts) AS ts FROM heartbeats "
                    + "WHERE stopping = 0 GROUP BY device) r WHERE r.device = devices.device");
            // Beats already pruned: a device whose last beat did not stop was running then.
            s.execute("UPDATE devices SET last_running = last_seen WHERE last_stopping = 0");
        }
    }

    /**
     * Version 8: each device's latest {@code parent}, {@code periodMs} and {@code graceMs} as its
     * last beat carried them (an agent's check, contract section 1a), so the evaluator folds a check behind
     * its agent and judges an unregistered check on its own schedule (issue 17). Null for every
     * device until its next beat: the beats stored before held no such field the server kept.
     */
    static void v8BeatSchedule(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE devices ADD COLUMN parent TEXT");
            s.execute("ALTER TABLE devices ADD COLUMN period_ms INTEGER");
            s.execute("ALTER TABLE devices ADD COLUMN grace_ms INTEGER");
        }
    }

    private static ContractLine decodeLegacy(String text) {
        try {
            ContractLine line = LineCodec.decode(text);
            return line instanceof HeartbeatLine || line instanceof OutageLine || line instanceof ProbeLine ? line : null;
        } catch (MalformedLineException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Version 4: what a channel remembers of a thread across attempts and restarts (the GitHub
     * issue opened for an outage, its RESOLVED comment): {@link ChannelThreads}.
     */
    static void v4ChannelThreads(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE channel_threads(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        }
    }

    /**
     * Version 7: the device registry (issue 16 §2), one row per described device, its entry in
     * {@code infra/devices.json}'s layout ({@link RegistryRepository}). Devices nobody described
     * have no row and take the default schedule.
     */
    static void v7DeviceRegistry(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE device_registry(device TEXT PRIMARY KEY, entry TEXT NOT NULL, updated INTEGER NOT NULL)");
        }
    }

    /**
     * Version 9: contract v2's start and fail signals (issue 16 §5). A heartbeat keeps its
     * {@code state} when it is {@code start} or {@code fail} (null for {@code running} and
     * {@code stopping}, which {@code stopping} already tells: no byte more per ordinary beat),
     * its {@code duration_ms} and {@code exit_status}. A device keeps its last success, start and
     * fail (with the fail's exit status), kept by the writer's upsert in the same group commit,
     * so the evaluator reads them with the device and ingest costs no query more. Every beat
     * stored before was a v1 beat: its last one that did not stop was its last success.
     *
     * <p>The same upsert keeps a device's {@code last_duration_ms}, the {@code durationMs} of its
     * latest beat that carried one, and that beat's instant {@code last_duration_at} (so an older
     * one never replaces it), for the dashboard. They were added to this migration rather than a
     * tenth because version 9 had not shipped in any release: no file is at version 9 without them.
     */
    static void v9StartAndFailSignals(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE heartbeats ADD COLUMN state TEXT");
            s.execute("ALTER TABLE heartbeats ADD COLUMN duration_ms INTEGER");
            s.execute("ALTER TABLE heartbeats ADD COLUMN exit_status INTEGER");
            s.execute("ALTER TABLE devices ADD COLUMN last_success INTEGER");
            s.execute("ALTER TABLE devices ADD COLUMN last_start INTEGER");
            s.execute("ALTER TABLE devices ADD COLUMN last_fail INTEGER");
            s.execute("ALTER TABLE devices ADD COLUMN last_fail_exit INTEGER");
            s.execute("ALTER TABLE devices ADD COLUMN last_duration_ms INTEGER");
            s.execute("ALTER TABLE devices ADD COLUMN last_duration_at INTEGER");
            s.execute("UPDATE devices SET last_success = last_running");
        }
    }

    /**
     * Version 10: each heartbeat's {@code periodMs} and {@code graceMs} as its line carried them (an
     * agent's check, contract section 1a), so {@code /api/history/lines} serves them and history
     * judges the silence after each beat by them (issue 17, docs/history.md "The rule"). Null for
     * the beats stored before: they are judged by the threshold, as they were.
     */
    static void v10BeatLineSchedule(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE heartbeats ADD COLUMN period_ms INTEGER");
            s.execute("ALTER TABLE heartbeats ADD COLUMN grace_ms INTEGER");
        }
    }

    /**
     * Version 11: each beat run keeps the schedule its last beat carried ({@code last_period_ms},
     * {@code last_grace_ms}, null for none), since a run now breaks where a gap is longer than the
     * limit of the beat before it ({@code BeatSchedule.outageGap}, issue 17) rather than the one
     * threshold. The runs are rebuilt from the raw beats with the threshold they were built with,
     * so the runs of a check already stored agree with the rule; beats stored before version 10
     * carry no schedule and split as they did. No threshold recorded: no runs yet, the server
     * builds them at open.
     */
    static void v11RunLastSchedule(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE beat_runs ADD COLUMN last_period_ms INTEGER");
            s.execute("ALTER TABLE beat_runs ADD COLUMN last_grace_ms INTEGER");
        }
        Long threshold = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
            ps.setString(1, BeatRuns.THRESHOLD_SETTING);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    try {
                        threshold = Long.parseLong(rs.getString(1));
                    } catch (NumberFormatException e) {
                        threshold = null;
                    }
                }
            }
        }
        if (threshold != null && threshold > 0) {
            BeatRuns.rebuild(c, Duration.ofMillis(threshold));
        } else {
            // Nothing trustworthy to rebuild with: the next open rebuilds with its threshold.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM settings WHERE key = ?")) {
                ps.setString(1, BeatRuns.THRESHOLD_SETTING);
                ps.executeUpdate();
            }
        }
    }
}
