package dev.heartwatch.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.history.RunCount;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.store.AdminState;
import dev.heartwatch.server.store.DeviceAdministration;
import dev.heartwatch.server.store.DeviceHistory;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard adapter over a real SQLite store holding a day of stored contract lines. */
class StoreDashboardSourceTest {
    static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
    static final Instant NOW = T0.plus(Duration.ofHours(24));
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of("nas"));

    @TempDir
    Path dir;
    HeartwatchStore store;
    DeviceHistory history;
    StoreDashboardSource source;

    @BeforeEach
    void open() {
        store = HeartwatchStore.open(dir.resolve("heartwatch.db"), "NORMAL");
        history = new DeviceHistory(store, RULE);
        source = new StoreDashboardSource(store, history, new DeviceAdministration(store, Set.of("nas")), Set.of("nas"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static ContractLine beat(Instant at, String device, String state, String ip) {
        return new HeartbeatLine(at.toEpochMilli(), device, state, ip, null, null, null, null, 0, null);
    }

    static Instant at(int hour, int minute) {
        return T0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    /**
     * "pi" beats every minute for the whole day but for three outages: a silence 10:00-10:30 that
     * only the cloud saw, a DNS failure 15:00:30-15:10 that both saw (the agent reports it with
     * the first beat back), and a 2-minute reset at 20:00 too short for the cloud's threshold.
     */
    void storeTheDay() {
        List<ContractLine> lines = new ArrayList<>();
        for (int m = 0; m < 24 * 60; m++) {
            Instant t = T0.plus(Duration.ofMinutes(m));
            boolean silent = t.isAfter(at(10, 0)) && t.isBefore(at(10, 30))
                    || t.isAfter(at(15, 0)) && t.isBefore(at(15, 10))
                    || !t.isBefore(at(20, 0)) && t.isBefore(at(20, 2));
            if (!silent) {
                lines.add(beat(t, "pi", "running", "203.0.113.7"));
            }
            if (t.equals(at(15, 10))) {
                lines.add(new OutageLine(t.toEpochMilli(), "pi", "o-dns", at(15, 0).plusSeconds(30).toEpochMilli(),
                        t.toEpochMilli(), "dns", 0L, "resolver timed out"));
            }
            if (t.equals(at(20, 2))) {
                lines.add(new OutageLine(t.toEpochMilli(), "pi", "o-reset", at(20, 0).toEpochMilli(),
                        t.toEpochMilli(), "reset", 0L, null));
            }
        }
        lines.add(beat(at(1, 0), "old", "running", null));
        lines.add(beat(at(2, 0), "cam", "running", null));
        lines.add(beat(at(23, 58), "cam", "running", null));
        lines.add(beat(at(22, 59), "laptop", "running", null));
        lines.add(beat(at(23, 0), "laptop", "stopping", null)); // a clean stop: it was up
        lines.add(beat(at(23, 30), "router", "running", null));
        lines.sort(Comparator.comparingLong(ContractLine::ts));
        // One commit for the whole day: the device's first_seen is still its earliest beat.
        Lines.write(store, lines.toArray(ContractLine[]::new));
        store.devices().retire("old", at(12, 0));
        store.devices().mute("cam", NOW.plus(Duration.ofHours(1)));
    }

    Map<String, DeviceView> views() {
        Map<String, DeviceView> out = new LinkedHashMap<>();
        source.devices(NOW).forEach(d -> out.put(d.device(), d));
        return out;
    }

    @Test
    void aPageOfDevicesShowsWhatTheFullListShowsAndTheSummariesMatchIt() {
        storeTheDay();
        Map<String, DeviceView> all = views();
        List<String> page = List.of("router", "nas", "pi", "no-such-device", "old");
        List<DeviceView> paged = source.devices(page, NOW);
        assertEquals(List.of("router", "nas", "pi", "old"), paged.stream().map(DeviceView::device).toList(),
                "in the page's order; an unknown name is left out; an expected device never heard is in");
        for (DeviceView d : paged) {
            assertEquals(all.get(d.device()), d, "one device's view is the same in a page and in the full list");
        }
        Map<String, String> statuses = new LinkedHashMap<>();
        source.summaries(NOW).forEach(d -> statuses.put(d.device(), d.status()));
        all.forEach((device, view) -> assertEquals(view.status(), statuses.get(device), device));
        assertEquals(all.keySet(), statuses.keySet());
    }

    /**
     * "backup", an hourly cron job in the registry (grace PT10M), beats a minute after each run
     * of the day but the 05:00 one (no beat) and the 12:00 one (at 12:15, past its grace): 22 of
     * 24 runs on time. At NOW (00:00, its next run) it is LATE until 00:10.
     */
    @Test
    void aCronDeviceShowsItsScheduleItsStandingAndRunsOnTimeAsItsUptime() {
        storeTheDay();
        store.registry().put(new RegisteredDevice("backup", false,
                new Schedule.Cron("0 * * * *", ZoneId.of("Etc/UTC"), Duration.ofMinutes(10)), List.of()), T0);
        List<ContractLine> lines = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            if (h != 5) {
                lines.add(beat(at(h, h == 12 ? 15 : 1), "backup", "running", null));
            }
        }
        Lines.write(store, lines.toArray(ContractLine[]::new));
        DeviceView backup = source.devices(List.of("backup"), NOW).get(0);
        assertEquals("0 * * * * Etc/UTC + 10m", backup.schedule());
        assertEquals("late", backup.due());
        assertEquals(NOW, backup.nextDue());
        assertEquals(NOW.plus(Duration.ofMinutes(10)), backup.downAt());
        assertEquals("runs", backup.uptimeBasis());
        assertEquals(new RunCount(24, 22, 0), backup.runs24h());
        assertEquals(new RunCount(24, 22, 0), backup.runs30d(), "it began a day ago: no run before its first beat");
        assertEquals(100.0 * 22 / 24, backup.uptime24h(), 1e-9);
        assertNull(backup.lastDurationMs(), "its beats sent no durationMs");
        assertEquals(backup, views().get("backup"), "the full list says the same");

        DeviceView pi = source.devices(List.of("pi"), NOW).get(0);
        assertEquals("every 1m + 4m grace", pi.schedule(), "no entry: the default schedule");
        assertEquals("late", pi.due(), "its last beat was 23:59: due at 00:00, which is now (inclusive)");
        assertEquals(NOW.plus(Duration.ofMinutes(4)), pi.downAt());
        assertEquals("down", source.devices(List.of("router"), NOW).get(0).due(), "silent since 23:30");
        assertEquals("time", pi.uptimeBasis());
        assertNull(pi.runs30d());
        DeviceView nas = source.devices(List.of("nas"), NOW).get(0);
        assertEquals("never-heard", nas.due());
        assertNull(nas.nextDue());
        DeviceView laptop = source.devices(List.of("laptop"), NOW).get(0);
        assertEquals("stopped", laptop.due());
    }

    @Test
    void statusesIncludeTheOperatorsDecisionsAndTheRuleLive() {
        storeTheDay();
        Map<String, DeviceView> v = views();
        assertEquals(Set.of("pi", "old", "cam", "laptop", "router", "nas"), v.keySet());
        assertEquals("up", v.get("pi").status());
        assertEquals("retired", v.get("old").status());
        assertEquals("muted", v.get("cam").status(), "muted wins over up");
        assertEquals("stopped", v.get("laptop").status());
        assertEquals("down", v.get("router").status(), "30 minutes silent, threshold 5");
        assertEquals("down", v.get("nas").status(), "expected devices alert before their first beat, as in Azure");
        assertNull(v.get("nas").lastSeen());
        assertNull(v.get("nas").uptime24h());
        assertEquals(Collections.nCopies(24, "unknown"), v.get("nas").trail());
    }

    @Test
    void piShowsItsLastBeatAddressUptimeAndHourlyTrail() {
        storeTheDay();
        DeviceView pi = views().get("pi");
        assertEquals(at(23, 59), pi.lastSeen());
        assertEquals("203.0.113.7", pi.ip());
        Double expected = history.uptime("pi", NOW.minus(Duration.ofDays(1)), NOW, NOW).percent().getAsDouble();
        assertEquals(expected, pi.uptime24h(), 1e-9);
        assertTrue(pi.uptime24h() > 96.0 && pi.uptime24h() < 98.0, "about 40 minutes down in a day: " + pi.uptime24h());
        // Watched only since T0 (24 h ago): the week and the month are that same day.
        assertEquals(pi.uptime24h(), pi.uptime7d(), 1e-9);
        assertEquals(pi.uptime24h(), pi.uptime30d(), 1e-9);
        List<String> trail = new ArrayList<>(Collections.nCopies(24, "up"));
        trail.set(10, "down");
        trail.set(15, "down");
        trail.set(20, "down");
        assertEquals(trail, pi.trail());
    }

    @Test
    void retiredAndStoppedShowInTheTrail() {
        storeTheDay();
        Map<String, DeviceView> v = views();
        List<String> old = v.get("old").trail();
        assertEquals("unknown", old.get(0), "before its first beat, at 01:00");
        assertEquals("down", old.get(1), "silent since 01:00");
        assertEquals("down", old.get(11));
        assertTrue(old.subList(12, 24).stream().allMatch("retired"::equals), old.toString());
        assertEquals("stopped", v.get("laptop").trail().get(23));
    }

    @Test
    void outagesCarryTheirSourceCauseAndDuration() {
        storeTheDay();
        List<OutageView> outages = source.outages("pi", NOW.minus(Duration.ofDays(30)), NOW, NOW);
        assertEquals(3, outages.size(), outages.toString());
        OutageView cloud = outages.get(0);
        assertEquals("cloud", cloud.source());
        assertEquals(at(10, 1), cloud.start(), "last beat + interval");
        assertEquals(at(10, 30), cloud.end());
        assertEquals(Duration.ofMinutes(29).toMillis(), cloud.durationMs());
        OutageView both = outages.get(1);
        assertEquals("both", both.source());
        assertEquals("dns", both.cause());
        assertEquals(at(15, 0).plusSeconds(30), both.start(), "the agent's exact start");
        assertEquals("resolver timed out", both.detail());
        OutageView agent = outages.get(2);
        assertEquals("agent", agent.source());
        assertEquals("reset", agent.cause());
        assertEquals(Duration.ofMinutes(2).toMillis(), agent.durationMs());

        List<OutageView> router = source.outages("router", NOW.minus(Duration.ofDays(1)), NOW, NOW);
        assertEquals(1, router.size());
        assertNull(router.get(0).end(), "ongoing");
        assertEquals(Duration.ofMinutes(29).toMillis(), router.get(0).durationMs(), "until now");
    }

    @Test
    void muteAndRetireGoThroughTheSharedAdministrationAndOnlyForKnownDevices() {
        storeTheDay();
        assertEquals(Optional.of(new AdminState("pi", NOW.plus(Duration.ofHours(2)), null)), source.mute("pi", Duration.ofHours(2), NOW));
        assertEquals(NOW.plus(Duration.ofHours(2)), store.devices().device("pi").orElseThrow().mutedUntil());
        assertEquals("muted", views().get("pi").status());
        assertTrue(source.mute("nas", Duration.ofMinutes(5), NOW).isPresent(), "an expected device may be muted before its first beat");
        assertTrue(source.mute("ghost", Duration.ofHours(1), NOW).isEmpty());
        assertTrue(source.retire("ghost", NOW).isEmpty());
        assertTrue(source.unmute("ghost", NOW).isEmpty());
        assertTrue(source.unretire("ghost", NOW).isEmpty());
        assertFalse(store.devices().device("ghost").isPresent(), "nothing written for an unknown device");
        assertEquals(Optional.of(new AdminState("router", null, NOW)), source.retire("router", NOW));
        assertEquals(NOW, store.devices().device("router").orElseThrow().retiredAt());
        assertEquals("retired", views().get("router").status());
    }

    @Test
    void unmuteAndUnretireUndoThemAndTheRuleSpeaksAgain() {
        storeTheDay();
        source.mute("pi", Duration.ofHours(2), NOW);
        source.retire("router", NOW);
        assertEquals(Optional.of(new AdminState("pi", null, null)), source.unmute("pi", NOW));
        assertEquals("up", views().get("pi").status());
        assertEquals(Optional.of(new AdminState("router", null, null)), source.unretire("router", NOW));
        assertEquals("down", views().get("router").status(), "restored: judged by the rule again");
        assertEquals(null, store.devices().device("router").orElseThrow().retiredAt());
    }
}
