package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migration 4 and the channels' thread state: first value kept, there after a reopen. */
class ChannelThreadsTest {
    @TempDir
    Path dir;

    @Test
    void theFirstIssueRecordedForAThreadIsKeptAndSurvivesAReopen() {
        Path file = dir.resolve("h.db");
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            ChannelThreads t = store.channelThreads();
            assertEquals(Optional.empty(), t.get("github:acme/net:pi|1"));
            assertEquals(12L, t.putIfAbsent("github:acme/net:pi|1", 12));
            assertEquals(12L, t.putIfAbsent("github:acme/net:pi|1", 13), "a second writer gets the first number");
            assertEquals(40L, t.putIfAbsent("github:acme/net:pi|2", 40));
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            assertEquals(Optional.of(12L), store.channelThreads().get("github:acme/net:pi|1"));
            assertEquals(Optional.of(40L), store.channelThreads().get("github:acme/net:pi|2"));
        }
    }

    @Test
    void aVersion3FileGainsTheTableAndKeepsItsOutbox() throws Exception {
        Path file = dir.resolve("v3.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            for (int v = 0; v < 3; v++) {
                Migrations.ALL.get(v).apply(c);
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA user_version = 3");
                s.execute("INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, fired_at, reason) "
                        + "VALUES ('pi:DOWN:1', 'pi', 'FIRED', 1, 1, 1, 'silent')");
            }
            c.commit();
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            assertEquals(1, store.outbox().of("pi").size());
            assertEquals(7L, store.channelThreads().putIfAbsent("k", 7));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
        }
    }
}
