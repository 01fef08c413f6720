package dev.heartwatch.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.channels.support.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesCommandTest {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dir;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new DevicesCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new MutableClock(NOW)).run(List.of(args), Map.of("HEARTWATCH_DB", dir.resolve("h.db").toString()));
    }

    @Test
    void muteAndRetireWriteTheSameDatabaseTheServerReads() {
        assertEquals(0, run("mute", "home-pi", "PT1H"));
        assertEquals(0, run("retire", "garage"));
        try (HeartwatchStore store = HeartwatchStore.openForAdmin(dir.resolve("h.db"))) {
            assertEquals(NOW.plusSeconds(3600), store.devices().device("home-pi").orElseThrow().mutedUntil());
            assertNotNull(store.devices().device("garage").orElseThrow().retiredAt());
        }
        assertEquals(0, run("list"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("garage\tUNKNOWN"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unmuteAndUnretireUndoThemInTheSameDatabase() {
        assertEquals(0, run("mute", "home-pi", "PT1H"));
        assertEquals(0, run("retire", "garage"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("undo: devices unretire garage"), out.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("unmute", "home-pi"));
        assertEquals(0, run("unretire", "garage"));
        try (HeartwatchStore store = HeartwatchStore.openForAdmin(dir.resolve("h.db"))) {
            assertNull(store.devices().device("home-pi").orElseThrow().mutedUntil());
            assertNull(store.devices().device("garage").orElseThrow().retiredAt());
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("garage restored: it is evaluated again"),
                out.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("unmute"));
        assertEquals(2, run("unretire", "Home Pi"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unmute needs a device id"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsSayWhatIsWrongAndChangeNothing() {
        assertEquals(2, run("mute", "home-pi", "an hour"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("ISO-8601"));
        assertEquals(2, run("retire", "Home Pi"));
        assertEquals(2, run("explode"));
        try (HeartwatchStore store = HeartwatchStore.openForAdmin(dir.resolve("h.db"))) {
            assertTrue(store.devices().all(java.util.Set.of()).isEmpty());
        }
    }
}
