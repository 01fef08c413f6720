package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migration 8 (each device's parent, period and grace from its beats) from a file at version 6, nothing lost. */
class BeatScheduleMigrationTest {
    static final Instant SEEN = Instant.parse("2026-12-02T04:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aVersion6DeviceKeepsItsBeatAndLearnsItsParentFromItsNextOne() throws Exception {
        Path file = dir.resolve("v6.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            for (int v = 0; v < 6; v++) {
                Migrations.ALL.get(v).apply(c);
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA user_version = 6");
                s.execute("INSERT INTO devices(device, first_seen, last_seen, last_stopping, last_ip, last_running) "
                        + "VALUES ('home.db', 1, " + SEEN.toEpochMilli() + ", 0, '192.0.2.7', " + SEEN.toEpochMilli() + ")");
            }
            c.commit();
            assertEquals(6, Migrations.version(c));
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "NORMAL")) {
            DeviceRecord r = store.devices().device("home.db").orElseThrow();
            assertEquals(SEEN, r.lastSeen());
            assertEquals("192.0.2.7", r.lastIp());
            assertNull(r.parent(), "unknown until its next beat");
            assertNull(r.beatPeriod());
            Lines.write(store, new HeartbeatLine(SEEN.plusSeconds(60).toEpochMilli(), "home.db", "running", "192.0.2.7",
                    null, null, null, null, "home", 60_000L, 0L, 0, "0.8 ms tcp open"));
            r = store.devices().device("home.db").orElseThrow();
            assertEquals("home", r.parent());
            assertEquals(Duration.ofMinutes(1), r.beatPeriod());
            assertEquals(Duration.ZERO, r.beatGrace(), "a zero grace is kept as sent");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
        }
    }
}
