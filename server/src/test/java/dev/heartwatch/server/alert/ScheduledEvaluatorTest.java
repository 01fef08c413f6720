package dev.heartwatch.server.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.store.DeviceHistory;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import dev.heartwatch.server.support.Lines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator's decision per device is {@code ScheduledRule}'s on the device's schedule (its
 * registry entry's, else the global threshold's) and its last signal: frozen time at the
 * boundaries, the flips' instants and reasons (the mail's text).
 */
class ScheduledEvaluatorTest {
    static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of());

    @TempDir
    Path dir;
    HeartwatchStore store;
    Evaluator e;

    @BeforeEach
    void open() {
        store = HeartwatchStore.open(dir.resolve("h.db"), "FULL");
        // A warm-up as the server's default has it: a fail is not held back by it.
        e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minus(Duration.ofHours(1)),
                new NewDeviceWarmUp(Duration.ofHours(1), 3));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<NotificationRecord> notes(String device) {
        return store.outbox().of(device);
    }

    private DeviceStatus status(String device) {
        return store.devices().device(device).orElseThrow().status();
    }

    private static String line(String device, Instant at, String state, String extra) {
        return "[heartbeat] {\"v\":2,\"ts\":" + at.toEpochMilli() + ",\"device\":\"" + device + "\",\"state\":\"" + state + "\""
                + extra + "}";
    }

    private void beats(String device, Instant from, int n) {
        for (int i = 0; i < n; i++) {
            Lines.beat(store, device, from.plusSeconds(i));
        }
    }

    @Test
    void aRegisteredPeriodDeviceIsDownAtPeriodPlusGraceAndItsMailSaysWhenItWasDue() {
        store.registry().put(new RegisteredDevice("nas", false, new Schedule.Period(Duration.ofHours(1), Duration.ofMinutes(10)),
                List.of()), T0);
        beats("nas", T0, 3);
        Instant last = T0.plusSeconds(2);
        e.evaluate(last.plus(Duration.ofMinutes(6)));
        assertEquals(DeviceStatus.UP, status("nas"), "the global threshold (PT5M) does not apply to it");
        e.evaluate(last.plus(Duration.ofMinutes(70)).minusSeconds(1));
        assertEquals(DeviceStatus.UP, status("nas"), "one second before grace ends");
        e.evaluate(last.plus(Duration.ofMinutes(70)));
        assertEquals(DeviceStatus.DOWN, status("nas"), "at period + grace");
        NotificationRecord down = notes("nas").get(0);
        assertEquals(last.plus(Duration.ofMinutes(70)), down.flipAt());
        assertTrue(down.reason().startsWith("was due at " + last.plus(Duration.ofHours(1)) + " (every PT1H)"), down.reason());
    }

    @Test
    void aRegistryEntryWithoutAScheduleIsJudgedByTheGlobalThresholdAndItsExpectedFlagCounts() {
        store.registry().put(RegisteredDevice.expected("gone"), T0);
        store.registry().put(new RegisteredDevice("pi", false, Schedule.DEFAULT, List.of()), T0);
        beats("pi", T0, 3);
        e.evaluate(T0.plusSeconds(2).plus(Duration.ofMinutes(5)).minusMillis(1));
        assertEquals(DeviceStatus.UP, status("pi"));
        assertEquals(DeviceStatus.DOWN, status("gone"), "expected in the registry, never heard");
        e.evaluate(T0.plusSeconds(2).plus(Duration.ofMinutes(5)));
        assertEquals(DeviceStatus.DOWN, status("pi"), "PT5M, today's threshold");
        assertEquals("no heartbeat for PT5M since " + T0.plusSeconds(2), notes("pi").get(0).reason(), "today's words");
    }

    @Test
    void aCronDeviceInKolkataIsDownWhenItsRunIsMissedAndTheSameCronInUtcIsNot() {
        // 08:30 IST is 03:00Z; in UTC the same cron runs at 08:30Z.
        store.registry().put(new RegisteredDevice("ist", false,
                new Schedule.Cron("30 8 * * *", ZoneId.of("Asia/Kolkata"), Duration.ofMinutes(5)), List.of()), T0);
        store.registry().put(new RegisteredDevice("utc", false,
                new Schedule.Cron("30 8 * * *", ZoneId.of("UTC"), Duration.ofMinutes(5)), List.of()), T0);
        Instant yesterday = T0.minus(Duration.ofHours(18)); // after UTC's 08:30Z run of yesterday
        beats("ist", yesterday, 3);
        beats("utc", yesterday, 3);
        e.evaluate(T0.plus(Duration.ofMinutes(5)).minusSeconds(1));
        assertEquals(DeviceStatus.UP, status("ist"));
        e.evaluate(T0.plus(Duration.ofMinutes(5)));
        assertEquals(DeviceStatus.DOWN, status("ist"));
        assertEquals(DeviceStatus.UP, status("utc"), "the zone matters");
        assertTrue(notes("ist").get(0).reason().startsWith("was due at " + T0 + " (cron \"30 8 * * *\" in Asia/Kolkata)"),
                notes("ist").get(0).reason());
    }

    @Test
    void aFailIsDownInOneEvaluationEvenForANewDeviceAndTheNextSuccessResolvesIt() {
        Lines.write(store, line("job", T0, "start", ""));
        Lines.write(store, line("job", T0.plusSeconds(30), "fail", ",\"exitStatus\":3,\"durationMs\":30000"));
        e.evaluate(T0.plusSeconds(30));
        assertEquals(DeviceStatus.DOWN, status("job"), "within one evaluation, warm-up or not");
        NotificationRecord down = notes("job").get(0);
        assertEquals(NotificationRecord.FIRED, down.condition());
        assertEquals(T0.plusSeconds(30), down.flipAt());
        assertTrue(down.reason().startsWith("failed (exit status 3) at " + T0.plusSeconds(30)), down.reason());
        Lines.write(store, line("job", T0.plus(Duration.ofMinutes(1)), "fail", ",\"exitStatus\":4"));
        e.evaluate(T0.plus(Duration.ofMinutes(1)));
        assertEquals(1, notes("job").size(), "a second fail: stays down, raised once");
        Lines.write(store, line("job", T0.plus(Duration.ofMinutes(2)), "running", ""));
        e.evaluate(T0.plus(Duration.ofMinutes(2)));
        assertEquals(DeviceStatus.UP, status("job"));
        NotificationRecord up = notes("job").get(1);
        assertEquals(NotificationRecord.RESOLVED, up.condition());
        assertEquals("success at " + T0.plus(Duration.ofMinutes(2)) + " after it failed (exit status 4) at "
                + T0.plus(Duration.ofMinutes(1)), up.reason(), "the last fail before the success");
    }

    @Test
    void aRegisteredScheduleWinsOverTheBeatsOwnWhichWinsOverTheThreshold() {
        // Each beat asks for period PT1M + grace PT1M (an agent's check): down 2 min after it.
        for (String d : List.of("check", "registered")) {
            for (int i = 0; i < 3; i++) {
                Lines.write(store, line(d, T0.plusSeconds(i), "running", ",\"periodMs\":60000,\"graceMs\":60000"));
            }
        }
        store.registry().put(new RegisteredDevice("registered", false,
                new Schedule.Period(Duration.ofHours(1), Duration.ofMinutes(10)), List.of()), T0);
        Instant last = T0.plusSeconds(2);
        e.evaluate(last.plus(Duration.ofMinutes(2)).minusSeconds(1));
        assertEquals(DeviceStatus.UP, status("check"));
        e.evaluate(last.plus(Duration.ofMinutes(2)));
        assertEquals(DeviceStatus.DOWN, status("check"), "its own period + grace, not the PT5M threshold");
        assertEquals(DeviceStatus.UP, status("registered"), "the registry's PT1H wins over the beat's own");
        e.evaluate(last.plus(Duration.ofMinutes(70)));
        assertEquals(DeviceStatus.DOWN, status("registered"));
    }

    @Test
    void theDashboardsLiveStatusSeesAFailToo() {
        DeviceHistory history = new DeviceHistory(store, RULE);
        Lines.write(store, line("job", T0, "fail", ",\"exitStatus\":1"));
        assertEquals(DeviceStatus.DOWN, history.status(store.devices().device("job").orElseThrow(), T0));
        Lines.write(store, line("job", T0.plusSeconds(1), "running", ""));
        assertEquals(DeviceStatus.UP, history.status(store.devices().device("job").orElseThrow(), T0.plusSeconds(1)));
    }

    @Test
    void aStartWithoutASuccessIsDownGraceAfterIt() {
        store.registry().put(new RegisteredDevice("backup", false,
                new Schedule.Cron("0 3 * * *", ZoneId.of("UTC"), Duration.ofMinutes(30)), List.of()), T0);
        beats("backup", T0.minus(Duration.ofDays(1)), 3);
        Lines.write(store, line("backup", T0, "start", ""));
        e.evaluate(T0.plus(Duration.ofMinutes(30)).minusSeconds(1));
        assertEquals(DeviceStatus.UP, status("backup"));
        e.evaluate(T0.plus(Duration.ofMinutes(30)));
        assertEquals(DeviceStatus.DOWN, status("backup"));
        NotificationRecord down = notes("backup").get(0);
        assertEquals(T0.plus(Duration.ofMinutes(30)), down.flipAt());
        assertTrue(down.reason().startsWith("started at " + T0 + ", no success within grace PT30M"), down.reason());
    }
}
