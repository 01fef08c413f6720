package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer stores new devices' first beats while the control connection commits beside it
 * (what the evaluator does when a flood of names flips UNKNOWN to UP): every beat commits. A
 * writer transaction that read a new device's runs before writing failed here with
 * {@code SQLITE_BUSY} within a few hundred beats (issue 14 D4).
 */
class NewDeviceBeatsBesideWritesTest {
    @TempDir
    Path dir;

    @Test
    void everyNewDevicesFirstBeatCommitsWhileTheControlConnectionWrites() throws Exception {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            AtomicBoolean running = new AtomicBoolean(true);
            Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
            Thread control = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    store.devices().mute("control-" + (i++ % 50), t0.plusSeconds(3600));
                }
            });
            control.start();
            AtomicInteger failed = new AtomicInteger();
            try {
                for (int i = 0; i < 1_000; i++) {
                    List<ContractLine> beat = List.of(new HeartbeatLine(t0.toEpochMilli() + i, "new-" + i, "running",
                            "127.0.0.1", null, null, null, null, 0, null));
                    try {
                        store.lines().submit(beat).get(20, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        failed.incrementAndGet();
                    }
                }
            } finally {
                running.set(false);
                control.join();
            }
            assertEquals(0, failed.get(), "beats not stored (SQLITE_BUSY beside the control connection's commits)");
        }
    }
}
