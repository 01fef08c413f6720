package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group commit's acknowledgement rule: a request completes only after the WAL sync that covers its commit. */
class LineWriterTest {
    private static final long T0 = 1_790_000_000_000L;

    @TempDir
    Path dir;

    private static List<ContractLine> beat(String device, long seq) {
        return List.of(new HeartbeatLine(T0 + seq * 60_000, device, "running", "203.0.113.7", seq, null, null, null, 0, null));
    }

    private static long storedBeats(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM heartbeats")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aCommittedBatchIsAcknowledgedOnlyAfterTheWalSyncReturns() throws Exception {
        Path file = dir.resolve("hw.db");
        CountDownLatch syncEntered = new CountDownLatch(1);
        CountDownLatch releaseSync = new CountDownLatch(1);
        AtomicInteger syncs = new AtomicInteger();
        WalSync held = () -> {
            syncs.incrementAndGet();
            syncEntered.countDown();
            try {
                releaseSync.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (Database db = Database.open(file, "NORMAL", true);
             LineWriter writer = new LineWriter(db.writerConnection(), 16, Duration.ofMinutes(5), held)) {
            CompletableFuture<Void> done = writer.submit(beat("pi", 1));
            assertTrue(syncEntered.await(10, TimeUnit.SECONDS), "the sync thread was reached");
            assertEquals(1, storedBeats(file), "the batch is committed while its sync runs");
            assertFalse(done.isDone(), "not acknowledged before the sync returned");
            releaseSync.countDown();
            done.get(10, TimeUnit.SECONDS);
            assertTrue(syncs.get() >= 1);
        }
    }

    @Test
    void aFailedSyncFailsItsBatchAndEverythingAfterIt() throws Exception {
        Path file = dir.resolve("hw.db");
        WalSync broken = () -> {
            throw new IOException("EIO");
        };
        try (Database db = Database.open(file, "NORMAL", true);
             LineWriter writer = new LineWriter(db.writerConnection(), 16, Duration.ofMinutes(5), broken)) {
            ExecutionException first = assertThrows(ExecutionException.class,
                    () -> writer.submit(beat("pi", 1)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(StoreUnavailableException.class, first.getCause());
            ExecutionException later = assertThrows(ExecutionException.class,
                    () -> writer.submit(beat("pi", 2)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(StoreUnavailableException.class, later.getCause());
        }
    }

    @Test
    void fullDurabilityMeansTheWriterCommitsWithNormalAndSyncsTheWalItself() throws Exception {
        Path file = dir.resolve("hw.db");
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            Database db = store.database();
            assertNotNull(db.walSync(), "FULL: the writer syncs the WAL before it acknowledges");
            assertTrue(Files.exists(dir.resolve("hw.db-wal")));
            try (Statement s = db.writerConnection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the writer's own connection commits without a sync (NORMAL = 1)");
            }
            store.lines().submit(beat("pi", 1)).get(10, TimeUnit.SECONDS);
            assertEquals(1, storedBeats(file));
        }
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("normal.db"), "NORMAL")) {
            assertNull(store.database().walSync(), "NORMAL asks for no sync per commit");
        }
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("extra.db"), "EXTRA")) {
            assertNull(store.database().walSync(), "EXTRA leaves every sync to SQLite");
        }
    }
}
