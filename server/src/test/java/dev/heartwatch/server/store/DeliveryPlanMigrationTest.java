package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.notify.AlertCondition;
import dev.heartwatch.core.notify.RaisedAlert;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migration 3 (the aggregation plan, per-channel attempts) from a file at version 2, nothing lost. */
class DeliveryPlanMigrationTest {
    static final Instant DOWN = Instant.parse("2026-11-30T10:00:00Z");
    static final Instant BACK = Instant.parse("2026-11-30T10:20:00.250Z");

    @TempDir
    Path dir;

    @Test
    void aVersion2OutboxIsPlannedAsItWasAndKeepsItsDeliveries() throws Exception {
        Path file = dir.resolve("v2.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            Migrations.ALL.get(0).apply(c);
            Migrations.ALL.get(1).apply(c);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA user_version = 2");
                s.execute("INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, fired_at, reason, sent_at) "
                        + "VALUES ('pi:DOWN:1', 'pi', 'FIRED', " + DOWN.toEpochMilli() + ", 1, " + DOWN.toEpochMilli() + ", 'silent', 2)");
                s.execute("INSERT INTO notifications(idem_key, device, condition, flip_at, created_at, fired_at, reason) "
                        + "VALUES ('pi:UP:2', 'pi', 'RESOLVED', " + BACK.toEpochMilli() + ", 3, " + DOWN.toEpochMilli() + ", 'beat')");
                s.execute("INSERT INTO deliveries VALUES (1, 'email', 'delivered', 3)");
                s.execute("INSERT INTO deliveries VALUES (2, 'email', 'sending', 4)");
            }
            c.commit();
            assertEquals(2, Migrations.version(c));
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "NORMAL")) {
            List<NotificationRecord> all = store.outbox().of("pi");
            assertEquals(2, all.size());
            assertTrue(all.stream().allMatch(n -> n.plannedAt() != null), "rows of version 2 count as planned");
            assertTrue(store.outbox().unplanned().isEmpty());
            assertEquals(List.of(all.get(1)), store.outbox().pending(), "the unsent RESOLVED is still to deliver");
            String thread = new RaisedAlert("k", "pi", AlertCondition.FIRED, DOWN, DOWN, null).threadKey();
            assertEquals(thread, all.get(0).threadKey(), "core's thread key, written by the migration");
            assertEquals(thread, all.get(1).threadKey(), "the RESOLVED joins its DOWN's thread");
            assertEquals("sending", store.outbox().deliveryState(2, "email").orElseThrow(), "a claim survives for the crash rules");
            Outbox.DeliveryAttempts d = store.outbox().attempts(1, "email").orElseThrow();
            assertEquals(0, d.failedAttempts());
            assertNotNull(all.get(0).kind());
            assertEquals(NotificationRecord.SINGLE, all.get(0).kind());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
        }
    }
}
