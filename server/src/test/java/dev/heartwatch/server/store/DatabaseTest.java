package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.contract.ProbeLine;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.DeviceStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void anEmptyFileGetsTheLatestSchema() throws Exception {
        Path file = dir.resolve("new.db");
        HeartwatchStore.open(file, "NORMAL").close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
            assertTrue(tables(c).containsAll(Set.of("heartbeats", "outages", "probes", "beat_runs", "settings", "devices",
                    "device_state", "flips", "notifications", "deliveries")), tables(c).toString());
            assertFalse(tables(c).contains("lines"), "the text lines are gone");
            assertEquals("300000", setting(c, BeatRuns.THRESHOLD_SETTING));
        }
        // Opening again migrates nothing and keeps the version.
        HeartwatchStore.open(file, "NORMAL").close();
    }

    /** A file as every server before schema versioning left it: today's DDL, text lines, user_version 0. */
    @Test
    void theShippedSchemaIsMigratedWithNothingLost() throws Exception {
        Path file = dir.resolve("old.db");
        String beat1 = LineCodec.encode(new HeartbeatLine(T0.toEpochMilli(), "pi", "running", "203.0.113.7", 1L,
                T0.toEpochMilli() - 40, 40L, "1.2.3", 0, "first"));
        String beat2 = LineCodec.encode(new HeartbeatLine(T0.plusSeconds(60).toEpochMilli(), "pi", "running", "203.0.113.8", 2L,
                null, null, null, 1, null));
        String outage = LineCodec.encode(new OutageLine(T0.plusSeconds(60).toEpochMilli(), "pi", "o-1",
                T0.minusSeconds(600).toEpochMilli(), T0.minusSeconds(300).toEpochMilli(), "dns", 40L, "resolver timed out"));
        String stop = LineCodec.encode(new HeartbeatLine(T0.plusSeconds(1200).toEpochMilli(), "pi", "stopping", null, 3L,
                null, null, null, 0, null));
        String probe = LineCodec.encode(new ProbeLine(T0.plusSeconds(5).toEpochMilli(), "127.0.0.1", "smoke"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            // The exact DDL of the schema shipped so far (HeartwatchStore.createSchema before versioning).
            s.execute("CREATE TABLE lines(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, kind TEXT NOT NULL, "
                    + "device TEXT, stopping INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL)");
            s.execute("CREATE INDEX lines_ts ON lines(ts)");
            s.execute("CREATE TABLE devices(device TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, "
                    + "last_seen INTEGER NOT NULL, last_stopping INTEGER NOT NULL)");
            s.execute("CREATE TABLE device_state(device TEXT PRIMARY KEY, status TEXT NOT NULL, "
                    + "since INTEGER, alert_open INTEGER NOT NULL DEFAULT 0, fired_at INTEGER, muted_until INTEGER, retired_at INTEGER)");
            s.execute("CREATE TABLE flips(id INTEGER PRIMARY KEY, device TEXT NOT NULL, from_status TEXT NOT NULL, "
                    + "to_status TEXT NOT NULL, at INTEGER NOT NULL, recorded_at INTEGER NOT NULL, reason TEXT NOT NULL)");
            s.execute("CREATE INDEX flips_device ON flips(device, at)");
            s.execute("CREATE TABLE notifications(id INTEGER PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE, "
                    + "device TEXT NOT NULL, condition TEXT NOT NULL, flip_at INTEGER NOT NULL, created_at INTEGER NOT NULL, "
                    + "fired_at INTEGER, suppressed INTEGER NOT NULL DEFAULT 0, summarised_by INTEGER, suppressed_before INTEGER NOT NULL DEFAULT 0, "
                    + "reason TEXT NOT NULL, sent_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)");
            s.execute("CREATE INDEX notifications_pending ON notifications(sent_at, suppressed)");
            s.execute("CREATE INDEX notifications_device ON notifications(device, created_at)");
            s.execute("CREATE TABLE deliveries(notification_id INTEGER NOT NULL, channel TEXT NOT NULL, "
                    + "state TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(notification_id, channel))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lines(ts, kind, device, stopping, text) VALUES (?,?,?,?,?)")) {
                Object[][] rows = {
                    {T0.toEpochMilli(), "heartbeat", "pi", 0, beat1},
                    {T0.plusSeconds(5).toEpochMilli(), "probe", null, 0, probe},
                    {T0.plusSeconds(6).toEpochMilli(), "log", null, 0, "Ping rejected a request: bad key"},
                    {T0.plusSeconds(60).toEpochMilli(), "heartbeat", "pi", 0, beat2},
                    {T0.plusSeconds(60).toEpochMilli(), "outage", "pi", 0, outage},
                    {T0.plusSeconds(1200).toEpochMilli(), "heartbeat", "pi", 1, stop},
                };
                for (Object[] r : rows) {
                    for (int i = 0; i < r.length; i++) {
                        ps.setObject(i + 1, r[i]);
                    }
                    ps.executeUpdate();
                }
            }
            s.execute("INSERT INTO devices VALUES ('pi', " + T0.toEpochMilli() + ", " + T0.plusSeconds(1200).toEpochMilli() + ", 1)");
            s.execute("INSERT INTO device_state(device, status, since, muted_until) VALUES ('pi', 'STOPPED', "
                    + T0.plusSeconds(1200).toEpochMilli() + ", " + T0.plusSeconds(7200).toEpochMilli() + ")");
            s.execute("INSERT INTO flips(device, from_status, to_status, at, recorded_at, reason) VALUES ('pi', 'UP', 'STOPPED', 1, 2, 'stop')");
            s.execute("INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, reason) "
                    + "VALUES ('pi:FIRED:1', 'pi', 'FIRED', 1, 2, 'silent')");
            s.execute("INSERT INTO deliveries VALUES (1, 'email', 'delivered', 3)");
            assertEquals(0, Migrations.version(c));
        }

        try (HeartwatchStore store = HeartwatchStore.open(file, "NORMAL", Duration.ofMinutes(5))) {
            // Typed rows, and their canonical text is the text that was stored.
            assertEquals(List.of(beat1, beat2, stop), store.lineTexts("pi", "heartbeat", Instant.EPOCH, T0.plusSeconds(3600)));
            assertEquals(List.of(outage), store.lineTexts("pi", "outage", Instant.EPOCH, T0.plusSeconds(3600)));
            assertEquals(List.of(probe), store.lineTexts(null, "probe", Instant.EPOCH, T0.plusSeconds(3600)));
            assertEquals(5, store.facts().count(), "the log line was no fact; every other line is kept");
            List<ReportedOutage> reports = store.facts().reportsReceived("pi", Instant.EPOCH, T0.plusSeconds(3600));
            assertEquals(1, reports.size());
            assertEquals(T0.minusSeconds(600).plusMillis(40), reports.get(0).receiverStart());
            assertEquals("resolver timed out", reports.get(0).detail());
            DeviceRecord pi = store.devices().device("pi").orElseThrow();
            assertEquals(DeviceStatus.STOPPED, pi.status());
            assertEquals(T0.plusSeconds(7200), pi.mutedUntil());
            assertEquals(T0, pi.firstSeen());
            assertTrue(pi.lastStopping());
            assertEquals(T0.plusSeconds(60), pi.lastRunning(), "migration 4: the last beat that did not stop");
            assertEquals("203.0.113.8", pi.lastIp(), "the last beat with an address");
            assertEquals(1, store.outbox().of("pi").size());
            assertEquals("delivered", store.outbox().deliveryState(1, "email").orElseThrow());
            // The runs were built from the migrated beats: 0 s, 60 s, then 1,200 s (a gap > 5 min).
            List<BeatRun> runs = store.database().inTransaction(c -> BeatRuns.overlapping(c, "pi", 0, Long.MAX_VALUE));
            assertEquals(2, runs.size());
            assertEquals(2, runs.get(0).beats());
            assertTrue(runs.get(1).lastStopping());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
            assertFalse(tables(c).contains("lines"));
        }
    }

    @Test
    void aFileFromANewerServerIsRefusedUntouched() throws Exception {
        Path file = dir.resolve("future.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (Migrations.latest() + 1));
        }
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> HeartwatchStore.open(file, "NORMAL"));
        assertTrue(e.getMessage().contains("newer than this server"), e.getMessage());
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            assertThrows(StoreUnavailableException.class, () -> store.database().inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO device_state(device, status) VALUES ('half', 'UP')");
                    s.execute("INSERT INTO no_such_table VALUES (1)");
                }
                return null;
            }));
            assertFalse(store.devices().knows("half"));
        }
    }

    static Set<String> tables(Connection c) throws SQLException {
        Set<String> out = new java.util.TreeSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static String setting(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
