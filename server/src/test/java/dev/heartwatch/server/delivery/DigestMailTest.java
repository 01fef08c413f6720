package dev.heartwatch.server.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.config.ConfigException;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Many devices flipping in one evaluation make one digest mail, not one mail each (issue 14, D4). */
class DigestMailTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    /** The real server, mailing to GreenMail, on a clock the test moves. */
    private RunningServer server(MutableClock clock, Map<String, String> settings) throws Exception {
        Map<String, String> m = new HashMap<>(settings);
        m.put("HEARTWATCH_SMTP_HOST", "127.0.0.1");
        m.put("HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()));
        m.put("HEARTWATCH_SMTP_SECURITY", "NONE");
        m.put("HEARTWATCH_MAIL_TO", "me@example.test");
        return new RunningServer(TestConfig.config(dir, m), clock);
    }

    /** Each device beats once, then the clock passes the PT3S threshold: they all flip in the next evaluation. */
    private static void beatOnceThenFallSilent(RunningServer s, MutableClock clock, int devices) throws Exception {
        for (int i = 1; i <= devices; i++) {
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"" + device(i) + "\"}").statusCode());
        }
        clock.advance(Duration.ofSeconds(4));
    }

    private static String device(int i) {
        return String.format("dev-%02d", i);
    }

    @Test
    void fiftyDevicesDownInOneEvaluationAreOneDigestMailNamingThem() throws Exception {
        // The clock stands still while the 50 beat, so all fall silent at the same instant and flip together.
        MutableClock clock = new MutableClock(Instant.now());
        try (RunningServer s = server(clock, Map.of())) {
            beatOnceThenFallSilent(s, clock, 50);
            Await.until(Duration.ofSeconds(10), () -> greenMail.getReceivedMessages().length >= 1, () -> "no mail");
            Await.sleep(3_000); // time for any other mail to arrive
            MimeMessage[] mails = greenMail.getReceivedMessages();
            assertEquals(1, mails.length, "one digest, not 50 mails");
            assertEquals("[Heartwatch] 50 devices down", mails[0].getSubject());
            String body = String.valueOf(mails[0].getContent());
            for (int i = 1; i <= 50; i++) {
                assertTrue(body.contains("  " + device(i) + "  declared down at"), device(i) + " named in: " + body);
            }
            for (int i = 1; i <= 50; i++) {
                assertEquals(DeviceStatus.DOWN, s.server.store().devices().device(device(i)).orElseThrow().status());
            }
            assertTrue(s.server.store().outbox().pending().isEmpty(), "the members are sent with their digest");
        }
    }

    @Test
    void fiveDevicesDownAreFiveMails() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RunningServer s = server(clock, Map.of())) {
            beatOnceThenFallSilent(s, clock, 5);
            Await.until(Duration.ofSeconds(10), () -> greenMail.getReceivedMessages().length >= 5, () -> "fewer than 5 mails");
            Await.sleep(2_000);
            assertEquals(5, greenMail.getReceivedMessages().length, "at the threshold: one each");
            assertTrue(greenMail.getReceivedMessages()[0].getSubject().startsWith("[Heartwatch] DOWN: dev-0"));
        }
    }

    @Test
    void theDigestThresholdIsASetting() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RunningServer s = server(clock, Map.of("HEARTWATCH_DIGEST_AFTER", "2"))) {
            beatOnceThenFallSilent(s, clock, 3);
            Await.until(Duration.ofSeconds(10), () -> greenMail.getReceivedMessages().length >= 1, () -> "no mail");
            Await.sleep(2_000);
            assertEquals(1, greenMail.getReceivedMessages().length);
            assertEquals("[Heartwatch] 3 devices down", greenMail.getReceivedMessages()[0].getSubject());
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> TestConfig.config(dir, Map.of("HEARTWATCH_DIGEST_AFTER", "0")));
        assertEquals("HEARTWATCH_DIGEST_AFTER must be at least 1", e.getMessage());
    }
}
