package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beat runs split by the limit of the beat before each gap (issue 17): a check's period + grace,
 * the threshold for a beat without a schedule.
 */
class BeatRunScheduleTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration THRESHOLD = Duration.ofMinutes(5);
    /** A 5-minute check with a minute's grace: a gap up to 6 minutes keeps its run. */
    static final long PERIOD_MS = 300_000L;
    static final long GRACE_MS = 60_000L;

    @TempDir
    Path dir;

    static HeartbeatLine check(String device, long ms) {
        return new HeartbeatLine(T0.toEpochMilli() + ms, device, "running", "127.0.0.1", null, null, null, null, "home",
                PERIOD_MS, GRACE_MS, 0, null);
    }

    static HeartbeatLine plain(String device, long ms) {
        return new HeartbeatLine(T0.toEpochMilli() + ms, device, "running", "127.0.0.1", null, null, null, null, 0, null);
    }

    static List<BeatRun> runs(HeartwatchStore store, String device) {
        return store.database().inTransaction(c -> BeatRuns.overlapping(c, device, 0, Long.MAX_VALUE));
    }

    /** The runs without row ids, with their last beat's schedule. */
    static List<String> shape(List<BeatRun> runs) {
        return runs.stream().map(r -> r.device() + " " + (r.firstBeat() - T0.toEpochMilli()) + ".." + (r.lastBeat() - T0.toEpochMilli())
                + " x" + r.beats() + " " + r.lastSchedule()).toList();
    }

    static List<String> rebuilt(HeartwatchStore store, String device) {
        store.database().inTransaction(c -> {
            BeatRuns.rebuild(c, THRESHOLD);
            return null;
        });
        return shape(runs(store, device));
    }

    /** Every 5 minutes, late by up to 30 s (every other beat by the whole 30 s, so gaps of 5:30 come often). */
    static List<ContractLine> jittered(String device, int beats, long startMs) {
        Random random = new Random(5);
        List<ContractLine> out = new ArrayList<>();
        for (int i = 0; i < beats; i++) {
            long jitter = i % 2 == 1 ? 30_000 : random.nextInt(30_001);
            out.add(check(device, startMs + i * PERIOD_MS + jitter));
        }
        return out;
    }

    @Test
    void aFiveMinuteCheckBeatingWithJitterIsOneRun() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            List<ContractLine> beats = jittered("home.db", 48, 0); // four hours
            for (int i = 0; i < beats.size(); i += 5) {
                Lines.write(store, beats.subList(i, Math.min(beats.size(), i + 5)).toArray(ContractLine[]::new));
            }
            List<BeatRun> runs = runs(store, "home.db");
            assertEquals(1, runs.size(), "gaps of up to 5:30 are within period + grace: " + shape(runs));
            assertEquals(48, runs.get(0).beats());
            assertEquals(new BeatSchedule(Duration.ofMillis(PERIOD_MS), Duration.ofMillis(GRACE_MS)), runs.get(0).lastSchedule());
            assertEquals(shape(runs), rebuilt(store, "home.db"));
        }
    }

    @Test
    void aRealStopOfTheCheckSplitsItsRuns() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            List<ContractLine> beats = new ArrayList<>(jittered("home.db", 12, 0));
            long stoppedAt = ((HeartbeatLine) beats.get(beats.size() - 1)).ts() - T0.toEpochMilli();
            beats.addAll(jittered("home.db", 12, stoppedAt + Duration.ofMinutes(20).toMillis()));
            Lines.write(store, beats.toArray(ContractLine[]::new));
            assertEquals(2, runs(store, "home.db").size(), "20 minutes silent is longer than 6: " + shape(runs(store, "home.db")));
        }
    }

    @Test
    void beatsWithoutAScheduleSplitByTheThresholdAsBefore() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            Lines.write(store, plain("pi", 0), plain("pi", 330_000), plain("pi", 630_000), plain("pi", 660_000));
            List<BeatRun> runs = runs(store, "pi");
            assertEquals(List.of("pi 0..0 x1 null", "pi 330000..660000 x3 null"), shape(runs),
                    "5:30, 5:00, 0:30 after beats without a schedule: the threshold alone, only > PT5M breaks");
        }
    }

    @Test
    void aCheckThatDropsItsScheduleIsJudgedByTheThresholdAfterIt() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            // check, 5:30, plain (joins: the check's limit), 5:30, plain (breaks: the threshold's).
            Lines.write(store, check("x", 0), plain("x", 330_000), plain("x", 660_000));
            assertEquals(List.of("x 0..330000 x2 null", "x 660000..660000 x1 null"), shape(runs(store, "x")));
        }
    }

    @Test
    void aLateBeatJoinsTheRunBeforeByThatRunsLimitAndTheRunAfterByItsOwn() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            // Two runs 11 minutes apart; a beat committed late lands 5:30 after the first and 5:30 before the second.
            Lines.write(store, check("a", 0), check("b", 0), check("c", 0), plain("d", 0));
            Lines.write(store, check("a", 660_000), check("b", 660_000), check("c", 700_000), plain("d", 660_000));
            assertEquals(2, runs(store, "a").size());
            Lines.write(store, check("a", 330_000), plain("b", 330_000), check("c", 330_000), check("d", 330_000));
            assertEquals(List.of("a 0..660000 x3 " + runs(store, "a").get(0).lastSchedule()), shape(runs(store, "a")),
                    "both gaps within the check's 6 minutes: one run");
            assertEquals(2, runs(store, "b").size(), "the late beat carries no schedule: 5:30 after it breaks " + shape(runs(store, "b")));
            assertEquals(List.of(330_000L, 660_000L), runs(store, "b").stream().map(r -> r.lastBeat() - T0.toEpochMilli()).toList(),
                    "it joins the run before by that run's last beat's limit");
            assertEquals(2, runs(store, "c").size(), "6:10 after the late beat is beyond its limit " + shape(runs(store, "c")));
            assertEquals(2, runs(store, "d").size(), "5:30 after a beat without a schedule breaks " + shape(runs(store, "d")));
            assertEquals(330_000L, runs(store, "d").get(1).firstBeat() - T0.toEpochMilli(), "the late check joins the run after it");
            for (String device : List.of("a", "b", "c", "d")) {
                List<String> incremental = shape(runs(store, device));
                assertEquals(incremental, rebuilt(store, device), device + ": a rebuild gives the same runs");
            }
        }
    }

    @Test
    void shuffledBeatsOfChecksGiveTheRunsARebuildGives() {
        Random random = new Random(17);
        List<ContractLine> beats = new ArrayList<>();
        long ms = 0;
        for (int i = 0; i < 300; i++) {
            ms += 240_000 + random.nextInt(random.nextInt(12) == 0 ? 600_000 : 150_000);
            // A device's beats carry one schedule (a beat without one landing inside a check's
            // run does not split it: BeatRuns.add): "a" a check, "b" a device.
            beats.add(i % 2 == 0 ? check("a", ms) : plain("b", ms));
        }
        Collections.shuffle(beats, random);
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            for (int i = 0; i < beats.size(); i += 7) {
                Lines.write(store, beats.subList(i, Math.min(beats.size(), i + 7)).toArray(ContractLine[]::new));
            }
            List<String> incremental = shape(runs(store, null));
            assertEquals(rebuilt(store, null), incremental);
            assertEquals(300, runs(store, null).stream().mapToLong(BeatRun::beats).sum());
        }
    }

    @Test
    void migrationElevenRebuildsTheRunsOfAVersion10File() throws Exception {
        Path file = dir.resolve("v10.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            for (int v = 0; v < 10; v++) {
                Migrations.ALL.get(v).apply(c);
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA user_version = 10");
                s.execute("INSERT INTO settings(key, value) VALUES ('" + BeatRuns.THRESHOLD_SETTING + "', '300000')");
            }
            // A check beating every 5:30 with its schedule, and a device from before migration 10 (no schedule);
            // version 10 split both at the threshold: a run per beat.
            try (PreparedStatement hb = c.prepareStatement(
                    "INSERT INTO heartbeats(ts, device, stopping, period_ms, grace_ms) VALUES (?,?,0,?,?)");
                 PreparedStatement run = c.prepareStatement(
                         "INSERT INTO beat_runs(device, first_beat, last_beat, beats, last_stopping) VALUES (?,?,?,1,0)")) {
                for (int i = 0; i < 10; i++) {
                    long ts = T0.toEpochMilli() + i * 330_000L;
                    for (String device : List.of("home.db", "old")) {
                        hb.setLong(1, ts);
                        hb.setString(2, device);
                        if (device.equals("old")) {
                            hb.setNull(3, java.sql.Types.INTEGER);
                            hb.setNull(4, java.sql.Types.INTEGER);
                        } else {
                            hb.setLong(3, PERIOD_MS);
                            hb.setLong(4, GRACE_MS);
                        }
                        hb.executeUpdate();
                        run.setString(1, device);
                        run.setLong(2, ts);
                        run.setLong(3, ts);
                        run.executeUpdate();
                    }
                }
            }
            c.commit();
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "NORMAL", THRESHOLD)) {
            assertEquals(List.of("home.db 0..2970000 x10 " + new BeatSchedule(Duration.ofMillis(PERIOD_MS), Duration.ofMillis(GRACE_MS))),
                    shape(runs(store, "home.db")), "rebuilt by the check's schedule: one run");
            assertEquals(10, runs(store, "old").size(), "beats without a schedule split as before");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
        }
    }
}
