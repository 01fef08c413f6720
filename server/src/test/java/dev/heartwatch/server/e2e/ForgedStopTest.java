package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 D6 against the real server over loopback: one forged {@code "state":"stopping"}
 * after the agent died. Before, it sent the device to STOPPED with no alert ever, and sent to a
 * device already DOWN it mailed "Device victim2 is back". Threshold PT3S, lookback PT1H, so a
 * clean stop lasts at most PT30M (half the lookback).
 */
class ForgedStopTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

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

    @Test
    void aForgedStopAfterTheAgentDiedStillAlertsOnceTheStopHasLastedMaxStop() throws Exception {
        for (int i = 0; i < 5; i++) {
            clock.set(T0.plusSeconds(i));
            s.ping("{\"device\":\"victim\"}");
        }
        evaluateAt(T0.plusSeconds(5));
        assertEquals(DeviceStatus.UP, s.status("victim"));
        // kill -9 of the agent, then the forged stop while the device is still up.
        clock.set(T0.plusSeconds(6));
        s.ping("{\"device\":\"victim\",\"state\":\"stopping\"}");
        evaluateAt(T0.plusSeconds(7));
        assertEquals(DeviceStatus.STOPPED, s.status("victim"), "a stop from a device that was up pauses it");
        evaluateAt(T0.plusSeconds(6).plus(Duration.ofMinutes(30)).minusSeconds(1));
        assertEquals(DeviceStatus.STOPPED, s.status("victim"));
        assertEquals(0, Mailbox.all(greenMail).size(), Mailbox.all(greenMail).toString());

        evaluateAt(T0.plusSeconds(6).plus(Duration.ofMinutes(30)));
        assertEquals(DeviceStatus.DOWN, s.status("victim"));
        Await.until(Duration.ofSeconds(10), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: victim") == 1,
                () -> "no down mail: " + Mailbox.all(greenMail) + "\n" + s.consoleText());
        Mailbox.Mail down = Mailbox.all(greenMail).get(0);
        assertTrue(down.body().contains("stopped cleanly at " + T0.plusSeconds(6) + " and silent for the PT30M a stop may last"),
                down.body());
    }

    @Test
    void aForgedStopSentToADownDeviceIsNotTakenForItsReturn() throws Exception {
        s.ping("{\"device\":\"victim2\"}");
        evaluateAt(T0.plusSeconds(10));
        assertEquals(DeviceStatus.DOWN, s.status("victim2"));
        Await.until(Duration.ofSeconds(10), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: victim2") == 1,
                () -> "no down mail: " + Mailbox.all(greenMail));

        clock.set(T0.plusSeconds(20));
        s.ping("{\"device\":\"victim2\",\"state\":\"stopping\"}");
        for (int i = 21; i <= 30; i++) {
            evaluateAt(T0.plusSeconds(i));
        }
        assertEquals(DeviceStatus.DOWN, s.status("victim2"), "a stop is no proof of life");
        assertEquals(0, Mailbox.count(greenMail, "[Heartwatch] RESOLVED"), Mailbox.all(greenMail).toString());
        assertTrue(Mailbox.all(greenMail).stream().noneMatch(m -> m.body().contains("Device victim2 is back")), Mailbox.all(greenMail).toString());

        // A real beat brings it back, and only that is mailed as its return.
        clock.set(T0.plusSeconds(31));
        s.ping("{\"device\":\"victim2\"}");
        evaluateAt(T0.plusSeconds(31));
        assertEquals(DeviceStatus.UP, s.status("victim2"));
        evaluateAt(T0.plusSeconds(34));
        Await.until(Duration.ofSeconds(10), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: victim2") == 1,
                () -> "no resolved mail after the real beat: " + Mailbox.all(greenMail) + "\n" + s.consoleText());
    }

    @Test
    void stopsSentEverySecondCannotKeepADeadDevicePaused() throws Exception {
        s.ping("{\"device\":\"victim3\"}");
        for (int i = 1; i <= 8; i++) { // threshold PT3S: from the stop at +3 s on, none counts
            clock.set(T0.plusSeconds(i));
            s.ping("{\"device\":\"victim3\",\"state\":\"stopping\"}");
            s.server.evaluateAndSend();
        }
        assertEquals(DeviceStatus.DOWN, s.status("victim3"));
        Await.until(Duration.ofSeconds(10), () -> Mailbox.count(greenMail, "[Heartwatch] DOWN: victim3") == 1,
                () -> "no down mail: " + Mailbox.all(greenMail) + "\n" + s.consoleText());
    }
}
