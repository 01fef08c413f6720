package dev.heartwatch.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migration 7: the registry in the store reads back what was put, across a reopen. */
class RegistryRepositoryTest {
    static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

    @TempDir
    Path dir;

    final RegisteredDevice nas = new RegisteredDevice("nas", true,
            new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5)), List.of("email"));
    final RegisteredDevice backup = new RegisteredDevice("backup", false,
            new Schedule.Cron("30 2 * * *", ZoneId.of("Asia/Kolkata"), Duration.ofHours(1)), List.of());

    @Test
    void entriesSurviveAReopenAndReadBackEqual() {
        Path file = dir.resolve("h.db");
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            RegistryRepository r = store.registry();
            assertEquals(Optional.empty(), r.find("nas"));
            r.put(nas, T0);
            r.put(backup, T0);
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            assertEquals(Optional.of(nas), store.registry().find("nas"));
            assertEquals(List.of(backup, nas), store.registry().registry().devices(), "in device order");
        }
    }

    @Test
    void putReplacesRemoveForgetsAndReplaceAllIsWhole() {
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "FULL")) {
            RegistryRepository r = store.registry();
            r.put(nas, T0);
            RegisteredDevice moved = new RegisteredDevice("nas", true,
                    new Schedule.Period(Duration.ofMinutes(30), Duration.ofMinutes(5)), List.of());
            r.put(moved, T0.plusSeconds(1));
            assertEquals(Optional.of(moved), r.find("nas"));
            assertTrue(r.remove("nas"));
            assertFalse(r.remove("nas"), "a second remove finds nothing");
            r.put(nas, T0);
            r.replaceAll(new DeviceRegistry(List.of(backup, RegisteredDevice.expected("pi"))), T0);
            assertEquals(List.of("backup", "pi"), r.registry().devices().stream().map(RegisteredDevice::id).toList());
            assertEquals(Optional.empty(), r.find("nas"), "an import replaces, it does not merge");
        }
    }

    @Test
    void theDefaultChannelsAreKeptBesideTheEntriesAndAnImportReplacesThem() {
        Path file = dir.resolve("h.db");
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            RegistryRepository r = store.registry();
            r.put(nas, T0);
            r.putDefaultChannels(List.of("ntfy", "email"), T0);
        }
        try (HeartwatchStore store = HeartwatchStore.open(file, "FULL")) {
            RegistryRepository r = store.registry();
            assertEquals(new DeviceRegistry(List.of(nas), List.of("ntfy", "email")), r.registry());
            assertEquals(Optional.empty(), r.find(""), "the defaults' row is no device");
            r.replaceAll(new DeviceRegistry(List.of(backup)), T0);
            assertEquals(List.of(), r.registry().defaultChannels(), "a file without defaults has none");
            r.replaceAll(DeviceRegistry.parse("{\"defaults\": {\"channels\": [\"slack\"]}, \"devices\": [\"pi\"]}"), T0);
            assertEquals(List.of("slack"), r.registry().defaultChannels());
            r.putDefaultChannels(List.of(), T0);
            assertEquals(List.of(), r.registry().defaultChannels());
        }
    }
}
