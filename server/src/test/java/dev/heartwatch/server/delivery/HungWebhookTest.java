package dev.heartwatch.server.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, D3: a webhook receiver that accepts connections and never answers holds up neither
 * the evaluation (flips are recorded on time) nor the mail (another channel, another worker).
 */
class HungWebhookTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final Duration THRESHOLD = Duration.ofSeconds(3);
    static final Duration EVALUATION = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    /** Accepts every connection and never reads or answers: a black hole. */
    static final class BlackHole implements AutoCloseable {
        final ServerSocket socket;
        final List<Socket> held = new CopyOnWriteArrayList<>();

        BlackHole() throws Exception {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        held.add(socket.accept());
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "black-hole");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
        }

        @Override
        public void close() throws Exception {
            socket.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    record FlipRow(Instant at, Instant recordedAt) {
    }

    private static List<FlipRow> flips(RunningServer s, String device, String to) {
        return s.server.store().database().inTransaction(c -> {
            List<FlipRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at, recorded_at FROM flips WHERE device = ? AND to_status = ? ORDER BY id")) {
                ps.setString(1, device);
                ps.setString(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FlipRow(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2))));
                    }
                }
            }
            return out;
        });
    }

    private static Instant lastSeen(RunningServer s, String device) {
        return s.server.store().devices().device(device).orElseThrow().lastSeen();
    }

    private static DeviceStatus status(RunningServer s, String device) {
        return s.server.store().devices().device(device).map(d -> d.status()).orElse(DeviceStatus.UNKNOWN);
    }

    private static boolean mailed(String subject) {
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            try {
                if (subject.equals(m.getSubject())) {
                    return true;
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return false;
    }

    @Test
    void aBlackHoledWebhookDelaysNeitherTheFlipsNorTheMail() throws Exception {
        try (BlackHole hook = new BlackHole();
             RunningServer s = new RunningServer(TestConfig.config(dir, Map.of(
                     "HEARTWATCH_WEBHOOK_URL", hook.url(),
                     "HEARTWATCH_SMTP_HOST", "127.0.0.1",
                     "HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()),
                     "HEARTWATCH_SMTP_SECURITY", "NONE",
                     "HEARTWATCH_MAIL_TO", "me@example.test")), Clock.systemUTC())) {
            // Two devices go down first: their webhook deliveries hang in the black hole.
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"first\"}").statusCode());
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"second\"}").statusCode());
            Await.until(Duration.ofSeconds(10), () -> !hook.held.isEmpty(), () -> "the webhook was never called");

            // A third device goes down while the webhook is hung.
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"third\"}").statusCode());
            Instant last = lastSeen(s, "third");
            Instant mailDeadline = last.plus(THRESHOLD).plus(EVALUATION).plusSeconds(2);
            Await.until(Duration.between(Instant.now(), mailDeadline), () -> mailed("[Heartwatch] DOWN: third"),
                    () -> "no DOWN mail for third by " + mailDeadline + " (threshold + one evaluation + 2 s after " + last + ")");
            // The figure docs/server.md quotes ("Delivery never holds up evaluation").
            System.out.println("HungWebhookTest: DOWN mail for third " + Duration.between(last, Instant.now()).toMillis()
                    + " ms after its last beat (bound: threshold " + THRESHOLD.toMillis() + " + evaluation "
                    + EVALUATION.toMillis() + " + 2000 ms), the webhook hung meanwhile");

            List<FlipRow> down = flips(s, "third", "DOWN");
            assertEquals(1, down.size());
            assertEquals(last.plus(THRESHOLD), down.get(0).at(), "the DOWN flip is at last beat + threshold");
            assertTrue(!down.get(0).recordedAt().isAfter(down.get(0).at().plus(EVALUATION).plusSeconds(1)),
                    "DOWN recorded on time: " + down.get(0));

            // It comes back: the UP flip is recorded too, on time, with the webhook still hung.
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"third\"}").statusCode());
            Instant back = lastSeen(s, "third");
            Await.until(EVALUATION.multipliedBy(3), () -> status(s, "third") == DeviceStatus.UP,
                    () -> "the UP flip of third was not recorded");
            List<FlipRow> up = flips(s, "third", "UP");
            assertEquals(back, up.get(up.size() - 1).at());
            assertTrue(!up.get(up.size() - 1).recordedAt().isAfter(back.plus(EVALUATION).plusSeconds(1)),
                    "UP recorded on time: " + up);
            assertTrue(!hook.held.isEmpty(), "the receiver held the webhook connections meanwhile");
        }
    }
}
