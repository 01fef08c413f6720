package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.core.schedule.DueRule;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 §3, §5 against the real server over loopback, thresholds in seconds: devices
 * registered in the store's registry beside the running server, beats sent as plain HTTP
 * requests to {@code /api/ping}, mails counted on a loopback SMTP server (GreenMail). The
 * server's clock is a test clock, so every boundary is hit to the second:
 * <ol>
 *   <li>a period device (PT5S, grace PT3S) is down at period + grace, not a second before
 *       (and not at the global PT3S threshold);</li>
 *   <li>a cron device {@code M H * * *} at the coming minute in Asia/Kolkata (UTC+05:30) is
 *       down when that run is missed by its grace; the same cron in UTC is not;</li>
 *   <li>a {@code fail} beat is DOWN within one evaluation, mailed with its exit status, and the
 *       next success resolves it.</li>
 * </ol>
 */
class ScheduleAndFailEndToEndTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    static final Instant T0 = Instant.parse("2026-12-02T02:58:45Z");

    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(T0);
    RunningServer s;

    @BeforeEach
    void start() throws Exception {
        s = new RunningServer(TestConfig.config(dir, Mailbox.smtp(greenMail)), clock);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private void evaluateAt(Instant at) {
        clock.set(at);
        s.server.evaluateAndSend();
    }

    private void beatAt(Instant at, String body) throws Exception {
        clock.set(at);
        s.ping(body);
    }

    private Mailbox.Mail only(String subject) {
        Await.until(Duration.ofSeconds(10), () -> Mailbox.count(greenMail, subject) >= 1,
                () -> "no \"" + subject + "\" mail: " + Mailbox.all(greenMail) + "\n" + s.consoleText()
                        + "\noutbox: " + s.server.store().outbox().of(subject.substring(subject.lastIndexOf(' ') + 1)));
        List<Mailbox.Mail> found = Mailbox.all(greenMail).stream().filter(m -> m.subject().startsWith(subject)).toList();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    @Test
    void periodCronAndFailDevicesEachGoDownByTheirOwnRule() throws Exception {
        // The coming minute in Kolkata that a beat at T0 cannot answer (it comes more than the
        // early tolerance before it): 08:30 IST = 03:00Z. The same fields in UTC run at 08:30Z.
        Instant run = T0.plus(DueRule.DEFAULT_EARLY_TOLERANCE).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        ZonedDateTime wall = run.atZone(KOLKATA);
        String cron = wall.getMinute() + " " + wall.getHour() + " * * *";
        assertEquals("30 8 * * *", cron, "the test's own arithmetic");
        try (HeartwatchStore admin = HeartwatchStore.openForAdmin(dir.resolve("heartwatch.db"))) {
            admin.registry().put(new RegisteredDevice("nas", false,
                    new Schedule.Period(Duration.ofSeconds(5), Duration.ofSeconds(3)), List.of()), T0);
            admin.registry().put(new RegisteredDevice("ist", false,
                    new Schedule.Cron(cron, KOLKATA, Duration.ofSeconds(5)), List.of()), T0);
            admin.registry().put(new RegisteredDevice("utc", false,
                    new Schedule.Cron(cron, ZoneId.of("UTC"), Duration.ofSeconds(5)), List.of()), T0);
            // A long period, so its silence after the scenario raises nothing more.
            admin.registry().put(new RegisteredDevice("job", false,
                    new Schedule.Period(Duration.ofHours(1), Duration.ofMinutes(5)), List.of()), T0);
        }
        for (String d : List.of("nas", "ist", "utc", "job")) {
            beatAt(T0, "{\"device\":\"" + d + "\"}");
        }
        evaluateAt(T0.plusSeconds(1));
        for (String d : List.of("nas", "ist", "utc", "job")) {
            assertEquals(DeviceStatus.UP, s.status(d), d);
        }

        // (c) fail: DOWN within one evaluation, with its exit status; the next success resolves it.
        beatAt(T0.plusSeconds(2), "{\"device\":\"job\",\"state\":\"fail\",\"exitStatus\":3,\"durationMs\":1500}");
        evaluateAt(T0.plusSeconds(2));
        assertEquals(DeviceStatus.DOWN, s.status("job"), "one evaluation");
        Mailbox.Mail failed = only("[Heartwatch] DOWN: job");
        assertTrue(failed.body().contains("failed (exit status 3) at " + T0.plusSeconds(2)), failed.body());
        assertTrue(failed.body().contains("(the run failed)"), failed.body());
        beatAt(T0.plusSeconds(3), "{\"device\":\"job\"}");
        evaluateAt(T0.plusSeconds(3));
        assertEquals(DeviceStatus.UP, s.status("job"));
        evaluateAt(T0.plusSeconds(5)); // a RESOLVED waits two beat intervals for the agent's outage report
        Mailbox.Mail resolved = only("[Heartwatch] RESOLVED: job");
        assertTrue(resolved.body().contains("after it failed (exit status 3) at " + T0.plusSeconds(2)), resolved.body());

        // (a) period: not at the global threshold (PT3S), not a second before period + grace.
        evaluateAt(T0.plusSeconds(7));
        assertEquals(DeviceStatus.UP, s.status("nas"));
        evaluateAt(T0.plusSeconds(8));
        assertEquals(DeviceStatus.DOWN, s.status("nas"), "at period + grace");
        Mailbox.Mail nas = only("[Heartwatch] DOWN: nas");
        assertTrue(nas.body().contains("was due at " + T0.plusSeconds(5) + " (every PT5S)"), nas.body());

        // (b) cron in Kolkata: down when the run is missed by its grace; the same cron in UTC is not.
        evaluateAt(run.plusSeconds(4));
        assertEquals(DeviceStatus.UP, s.status("ist"), "one second before grace ends");
        evaluateAt(run.plusSeconds(5));
        assertEquals(DeviceStatus.DOWN, s.status("ist"), "the run at " + run + " was missed");
        assertEquals(DeviceStatus.UP, s.status("utc"), "in UTC that run is 5 h 30 min away: the zone matters");
        Mailbox.Mail ist = only("[Heartwatch] DOWN: ist");
        assertTrue(ist.body().contains("was due at " + run + " (cron \"" + cron + "\" in Asia/Kolkata)"), ist.body());
        evaluateAt(run.plus(Duration.ofMinutes(10)));
        assertEquals(DeviceStatus.UP, s.status("utc"));
        assertEquals(0, Mailbox.count(greenMail, "[Heartwatch] DOWN: utc"), Mailbox.all(greenMail).toString());
        assertEquals(1, Mailbox.count(greenMail, "[Heartwatch] DOWN: job"), "the fail was mailed once");
    }
}
