package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void pruningDeletesExactlyTheLinesOlderThanTheCutoff() {
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "NORMAL")) {
            for (int i = 0; i < 12_000; i++) {
                Lines.beat(store, "pi", t0.plus(Duration.ofMinutes(i)));
            }
            Instant cutoff = t0.plus(Duration.ofMinutes(11_000));
            assertEquals(11_000, store.facts().prune(cutoff));
            assertEquals(1_000, store.facts().count());
            assertEquals(cutoff, store.facts().beats("pi", Instant.EPOCH, t0.plus(Duration.ofDays(30))).get(0).at());
            assertEquals(0, store.facts().prune(cutoff));
        }
    }
}
