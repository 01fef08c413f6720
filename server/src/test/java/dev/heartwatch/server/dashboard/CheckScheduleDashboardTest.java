package dev.heartwatch.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.store.DeviceAdministration;
import dev.heartwatch.server.store.DeviceHistory;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard judges a check's gaps by the period and grace its beats carry (issue 17): a
 * 5-minute check on the 5-minute threshold, its beats up to 30 s late, is up all the time.
 */
class CheckScheduleDashboardTest {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final Duration THRESHOLD = Duration.ofMinutes(5);
    static final SilenceRule RULE = new SilenceRule(THRESHOLD, Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of());

    @TempDir
    Path dir;

    /** Every 5 minutes from {@code from}, late by up to 30 s (every other beat by the whole 30 s). */
    static List<ContractLine> checkBeats(Instant from, int beats) {
        Random random = new Random(3);
        List<ContractLine> out = new ArrayList<>();
        for (int i = 0; i < beats; i++) {
            long jitter = i % 2 == 1 ? 30_000 : random.nextInt(30_001);
            out.add(new HeartbeatLine(from.toEpochMilli() + i * 300_000L + jitter, "home.db", "running", "127.0.0.1",
                    null, null, null, null, "home", 300_000L, 60_000L, 0, null));
        }
        return out;
    }

    static DeviceView view(HeartwatchStore store) {
        DeviceHistory history = new DeviceHistory(store, RULE);
        StoreDashboardSource source = new StoreDashboardSource(store, history, new DeviceAdministration(store, Set.of()), Set.of());
        return source.devices(List.of("home.db"), NOW).get(0);
    }

    @Test
    void aFiveMinuteCheckWithJitterIsUpAllTheTime() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            // Four hours; the last beat lands 5:30 before now (its 30 s late), past the threshold but not its 6 minutes.
            Instant from = NOW.minus(Duration.ofHours(4)).minus(Duration.ofSeconds(60));
            List<ContractLine> beats = checkBeats(from, 48);
            Lines.write(store, beats.toArray(ContractLine[]::new));
            assertEquals(NOW.minusSeconds(330).toEpochMilli(), ((HeartbeatLine) beats.get(47)).ts());
            DeviceView v = view(store);
            assertEquals(100.0, v.uptime24h(), 1e-9, "no false outage between its beats, nor after its last: " + v);
            assertEquals(100.0, v.uptime30d(), 1e-9);
            assertTrue(v.trail().stream().noneMatch("down"::equals), v.trail().toString());
        }
    }

    @Test
    void aTwentyMinuteStopIsOneOutage() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            Instant from = NOW.minus(Duration.ofHours(4)).minus(Duration.ofSeconds(60));
            List<ContractLine> beats = new ArrayList<>(checkBeats(from, 20));
            long last = ((HeartbeatLine) beats.get(19)).ts();
            // Back 20 minutes later, beating up to about 5 minutes before now.
            beats.addAll(checkBeats(Instant.ofEpochMilli(last).plus(Duration.ofMinutes(20)), 25));
            Lines.write(store, beats.toArray(ContractLine[]::new));
            DeviceHistory history = new DeviceHistory(store, RULE);
            var outages = history.outages("home.db", NOW.minus(Duration.ofDays(1)), NOW, NOW);
            assertEquals(1, outages.size(), outages.toString());
            assertEquals(Instant.ofEpochMilli(last).plus(RULE.heartbeatInterval()), outages.get(0).start(), "last beat + interval");
            DeviceView v = view(store);
            assertTrue(v.uptime24h() < 100.0, "the stop counts: " + v);
        }
    }

    @Test
    void aCheckSilentBeyondItsLimitIsDownSinceItsLastBeat() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL", THRESHOLD)) {
            Instant from = NOW.minus(Duration.ofHours(4));
            List<ContractLine> beats = checkBeats(from, 44); // the last one ~20 minutes before now
            Lines.write(store, beats.toArray(ContractLine[]::new));
            DeviceHistory history = new DeviceHistory(store, RULE);
            var outages = history.outages("home.db", NOW.minus(Duration.ofDays(1)), NOW, NOW);
            assertEquals(1, outages.size(), outages.toString());
            assertEquals(Instant.ofEpochMilli(((HeartbeatLine) beats.get(43)).ts()).plus(RULE.heartbeatInterval()), outages.get(0).start());
            assertEquals(null, outages.get(0).end(), "still silent");
        }
    }
}
