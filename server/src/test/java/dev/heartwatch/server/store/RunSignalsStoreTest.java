package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.core.rule.RunSignals;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration 9 (contract v2): a heartbeat's start or fail state, duration and exit status are
 * stored and read back as the same line; each device's last success, start and fail (with the
 * fail's exit status) are kept by the writer's upsert, never moved back by a late batch; a file
 * at the version before takes its last running beat as its last success. The device also keeps
 * the {@code durationMs} of its latest beat that carried one (for the dashboard).
 */
class RunSignalsStoreTest {
    static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");

    @TempDir
    Path dir;

    private static String beat(Instant at, String state, String extra) {
        return "[heartbeat] {\"v\":2,\"ts\":" + at.toEpochMilli() + ",\"device\":\"backup\",\"state\":\"" + state + "\"" + extra + "}";
    }

    @Test
    void v2BeatsReadBackAsTheSameLinesAndTheDeviceKeepsItsLastSignals() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            String ok = beat(T0, "running", ",\"durationMs\":1200,\"exitStatus\":0");
            String start = beat(T0.plusSeconds(60), "start", "");
            String fail = beat(T0.plusSeconds(120), "fail", ",\"durationMs\":60000,\"exitStatus\":3");
            Lines.write(store, ok);
            Lines.write(store, start, fail); // one request, one batch
            assertEquals(List.of(ok, start, fail), store.facts().texts("backup", "heartbeat", T0, T0.plusSeconds(600)));
            RunSignals s = store.devices().device("backup").orElseThrow().signals();
            assertEquals(new RunSignals(T0, T0.plusSeconds(60), T0.plusSeconds(120), 3), s);
            Lines.write(store, beat(T0.plusSeconds(180), "fail", ""));
            assertEquals(new RunSignals(T0, T0.plusSeconds(60), T0.plusSeconds(180), null),
                    store.devices().device("backup").orElseThrow().signals(), "the exit status goes with its fail");
            Lines.write(store, beat(T0.plusSeconds(240), "running", ""));
            Lines.write(store, beat(T0.plusSeconds(30), "fail", ",\"exitStatus\":9")); // a late batch
            assertEquals(new RunSignals(T0.plusSeconds(240), T0.plusSeconds(60), T0.plusSeconds(180), null),
                    store.devices().device("backup").orElseThrow().signals(), "a late batch moves nothing back");
        }
    }

    @Test
    void theDeviceKeepsTheDurationOfItsLatestMeasuredBeat() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            Lines.write(store, beat(T0, "start", ""));
            assertEquals(null, store.devices().device("backup").orElseThrow().lastDurationMs(), "a start measures nothing");
            Lines.write(store, beat(T0.plusSeconds(60), "running", ",\"durationMs\":5000"));
            assertEquals(5000L, store.devices().device("backup").orElseThrow().lastDurationMs());
            Lines.write(store, beat(T0.plusSeconds(90), "running", ""));
            assertEquals(5000L, store.devices().device("backup").orElseThrow().lastDurationMs(),
                    "a beat without a duration keeps the last one");
            // One batch: its latest beat is the newest, but its measured beat is older than the stored one.
            Lines.write(store, beat(T0.plusSeconds(30), "running", ",\"durationMs\":9000"), beat(T0.plusSeconds(120), "running", ""));
            assertEquals(5000L, store.devices().device("backup").orElseThrow().lastDurationMs(),
                    "an older measured beat never replaces a newer one");
            Lines.write(store, beat(T0.plusSeconds(150), "fail", ",\"durationMs\":700,\"exitStatus\":2"),
                    beat(T0.plusSeconds(140), "running", ",\"durationMs\":800"));
            assertEquals(700L, store.devices().device("backup").orElseThrow().lastDurationMs(), "the batch's latest measured beat");
            Lines.write(store, beat(T0.plusSeconds(10), "running", ",\"durationMs\":1")); // a late batch
            assertEquals(700L, store.devices().device("backup").orElseThrow().lastDurationMs(), "a late batch moves nothing back");
        }
    }

    @Test
    void aStopIsNoSignalAndAV1DeviceHasOnlySuccesses() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            Lines.beat(store, "pi", T0);
            Lines.stopping(store, "pi", T0.plusSeconds(60));
            assertEquals(new RunSignals(T0, null, null, null), store.devices().device("pi").orElseThrow().signals());
        }
    }

    @Test
    void aFileFromBeforeTakesItsLastRunningBeatAsItsLastSuccess() throws Exception {
        Path file = dir.resolve("before.db");
        int before = 8; // the version before migration 9
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            for (int i = 0; i < before; i++) {
                Migrations.ALL.get(i).apply(c);
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA user_version = " + before);
                s.execute("INSERT INTO devices(device, first_seen, last_seen, last_stopping, last_running) VALUES ('pi', 1, "
                        + T0.plusSeconds(60).toEpochMilli() + ", 1, " + T0.toEpochMilli() + ")");
                s.execute("INSERT INTO heartbeats(ts, device, stopping) VALUES (" + T0.toEpochMilli() + ", 'pi', 0)");
            }
            c.commit();
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "NORMAL")) {
            assertEquals(new RunSignals(T0, null, null, null), store.devices().device("pi").orElseThrow().signals());
            assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + T0.toEpochMilli() + ",\"device\":\"pi\",\"state\":\"running\"}"),
                    store.facts().texts("pi", "heartbeat", T0, T0), "a beat stored before reads as a v2 line");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
        }
    }
}
