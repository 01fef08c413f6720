package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.outage.Outage;
import dev.heartwatch.core.outage.Source;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeatRunsTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration THRESHOLD = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    static HeartbeatLine beat(String device, long minute, boolean stopping) {
        return new HeartbeatLine(T0.plus(Duration.ofMinutes(minute)).toEpochMilli(), device, stopping ? "stopping" : "running",
                "127.0.0.1", null, null, null, null, 0, null);
    }

    static List<BeatRun> runs(HeartwatchStore store, String device) {
        return store.database().inTransaction(c -> BeatRuns.overlapping(c, device, 0, Long.MAX_VALUE));
    }

    /** The runs without their row ids, to compare stores. */
    static List<String> shape(List<BeatRun> runs) {
        return runs.stream().map(r -> r.device() + " " + r.firstBeat() + ".." + r.lastBeat() + " x" + r.beats()
                + (r.lastStopping() ? " stopping" : "")).toList();
    }

    @Test
    void beatsInAnyOrderGiveTheRunsARebuildGives() {
        // Beats with gaps of 1 to 9 minutes, some stopping, sent in shuffled small batches.
        Random random = new Random(13);
        List<ContractLine> beats = new ArrayList<>();
        long minute = 0;
        for (int i = 0; i < 400; i++) {
            minute += 1 + random.nextInt(random.nextInt(10) == 0 ? 9 : 3);
            beats.add(beat(i % 3 == 0 ? "a" : "b", minute, random.nextInt(15) == 0));
        }
        Collections.shuffle(beats, random);
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            for (int i = 0; i < beats.size(); i += 7) {
                Lines.write(store, beats.subList(i, Math.min(beats.size(), i + 7)).toArray(ContractLine[]::new));
            }
            List<String> incremental = shape(runs(store, null));
            store.database().inTransaction(c -> {
                BeatRuns.rebuild(c, THRESHOLD);
                return null;
            });
            assertEquals(shape(runs(store, null)), incremental);
            assertTrue(incremental.size() > 10, "the data has gaps: " + incremental.size());
            assertEquals(400, runs(store, null).stream().mapToLong(BeatRun::beats).sum());
        }
    }

    @Test
    void aNewThresholdRebuildsTheRunsAtOpen() {
        Path file = dir.resolve("h.db");
        try (HeartwatchStore store = HeartwatchStore.open(file, "NORMAL", THRESHOLD)) {
            Lines.write(store, beat("pi", 0, false), beat("pi", 1, false), beat("pi", 8, false), beat("pi", 9, false));
            assertEquals(2, runs(store, "pi").size(), "7 minutes > PT5M: two runs");
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "NORMAL", Duration.ofMinutes(10))) {
            assertEquals(List.of("pi " + T0.toEpochMilli() + ".." + T0.plus(Duration.ofMinutes(9)).toEpochMilli() + " x4"),
                    shape(runs(store, "pi")), "7 minutes <= PT10M: one run");
            Lines.write(store, beat("pi", 16, false));
            assertEquals(1, runs(store, "pi").size(), "the writer uses the new threshold too");
        }
    }

    @Test
    void anOutageReportedLateLandsInItsOwnPeriod() {
        SilenceRule rule = new SilenceRule(THRESHOLD, Duration.ofMinutes(1), Duration.ofDays(2), Duration.ofMinutes(1), Set.of());
        Instant now = T0.plus(Duration.ofMinutes(60));
        Instant longAgo = T0.minus(Duration.ofDays(300));
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            // 300 days ago the device beat for a day; today it reports an outage from then.
            List<ContractLine> then = new ArrayList<>();
            for (int m = 0; m < 1440; m++) {
                then.add(new HeartbeatLine(longAgo.plus(Duration.ofMinutes(m)).toEpochMilli(), "pi", "running", null,
                        null, null, null, null, 0, null));
            }
            Lines.write(store, then.toArray(ContractLine[]::new));
            Instant start = longAgo.plus(Duration.ofHours(3));
            Lines.write(store, beat("pi", 59, false), new OutageLine(now.toEpochMilli(), "pi", "o-late",
                    start.toEpochMilli(), start.plusSeconds(90).toEpochMilli(), "dns", 0L, "held back"));
            DeviceHistory history = new DeviceHistory(store, rule);
            List<Outage> past = history.outages("pi", longAgo, longAgo.plus(Duration.ofDays(1)), now);
            assertEquals(1, past.size(), past.toString());
            assertEquals(start, past.get(0).start());
            assertEquals(Source.AGENT, past.get(0).source());
            var uptime = history.uptime("pi", longAgo, longAgo.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(1)), now);
            assertEquals(Duration.ofSeconds(90), uptime.down(), "the late report corrects that day's uptime");
            assertTrue(history.outages("pi", now.minus(Duration.ofDays(30)), now, now).isEmpty());
        }
    }

    @Test
    void retentionStartsAStraddlingRunAtItsFirstKeptBeat() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            List<ContractLine> beats = new ArrayList<>();
            for (int m = 0; m < 100; m++) {
                if (m < 20 || m > 30) {
                    beats.add(beat("pi", m, false));
                }
            }
            Lines.write(store, beats.toArray(ContractLine[]::new));
            store.facts().prune(T0.plus(Duration.ofMinutes(50)).plusSeconds(30));
            List<String> pruned = shape(runs(store, "pi"));
            store.database().inTransaction(c -> {
                BeatRuns.rebuild(c, THRESHOLD);
                return null;
            });
            assertEquals(shape(runs(store, "pi")), pruned);
            assertEquals(List.of("pi " + T0.plus(Duration.ofMinutes(51)).toEpochMilli() + ".."
                    + T0.plus(Duration.ofMinutes(99)).toEpochMilli() + " x49"), pruned);
        }
    }
}
