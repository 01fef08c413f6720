package dev.heartwatch.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.DeliveryResult;
import dev.heartwatch.channels.RetryAfter;
import dev.heartwatch.channels.WebhookChannel;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** How channels read their receivers' answers, and the worker's backoff. */
class ChannelAnswerTest {
    static final Instant NOW = Instant.parse("2026-12-02T01:00:00Z");

    @Test
    void httpStatusesReadAsIssue15Says() {
        assertInstanceOf(DeliveryResult.Delivered.class, DeliveryResult.ofHttpStatus(202, null));
        for (int retry : new int[] {408, 429, 500, 503}) {
            assertInstanceOf(DeliveryResult.RetryLater.class, DeliveryResult.ofHttpStatus(retry, null), "HTTP " + retry);
        }
        for (int permanent : new int[] {301, 400, 401, 403, 404, 413}) {
            assertInstanceOf(DeliveryResult.Permanent.class, DeliveryResult.ofHttpStatus(permanent, null), "HTTP " + permanent);
        }
        assertEquals(Duration.ofSeconds(7), ((DeliveryResult.RetryLater) DeliveryResult.ofHttpStatus(429, Duration.ofSeconds(7))).after());
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDateAndNothingElse() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse("120", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(30)), RetryAfter.parse("Wed, 02 Dec 2026 01:00:30 GMT", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse("Wed, 02 Dec 2026 00:59:00 GMT", NOW), "a date in the past");
        assertEquals(Optional.empty(), RetryAfter.parse("-5", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse("soon", NOW));
        assertEquals(Optional.empty(), RetryAfter.parse("99999999999999999999", NOW), "no overflow");
        assertEquals(Optional.empty(), RetryAfter.parse(null, NOW));
    }

    @Test
    void backoffDoublesUpToItsCapAndHonoursRetryAfterWithinBounds() {
        DeliveryBackoff b = new DeliveryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofHours(1));
        assertEquals(Duration.ofSeconds(5), b.after(1, null));
        assertEquals(Duration.ofSeconds(10), b.after(2, null));
        assertEquals(Duration.ofSeconds(40), b.after(4, null));
        assertEquals(Duration.ofSeconds(60), b.after(5, null));
        assertEquals(Duration.ofSeconds(60), b.after(1_000, null));
        assertEquals(Duration.ofSeconds(90), b.after(1, Duration.ofSeconds(90)), "the receiver's wait, even beyond the cap");
        assertEquals(Duration.ofMinutes(10), b.after(1, Duration.ofDays(365)), "but not a year");
        assertEquals(Duration.ofSeconds(1), b.after(1, Duration.ZERO), "no busy loop on Retry-After: 0");
        assertTrue(!b.givesUp(NOW, NOW.plusSeconds(3599)) && b.givesUp(NOW, NOW.plusSeconds(3600)));
    }

    @Test
    void smtpRepliesReadByTheirCode() {
        assertInstanceOf(DeliveryResult.Permanent.class, EmailChannel.classify(new AuthenticationFailedException("535")));
        assertInstanceOf(DeliveryResult.Permanent.class, EmailChannel.classify(
                new SMTPSendFailedException("DATA", 554, "rejected", null, null, null, null)));
        assertInstanceOf(DeliveryResult.RetryLater.class, EmailChannel.classify(
                new SMTPSendFailedException("DATA", 451, "try later", null, null, null, null)));
        assertInstanceOf(DeliveryResult.RetryLater.class, EmailChannel.classify(new MessagingException("connection refused")));
    }

    @Test
    void aWebhookThatAcceptsAndNeverAnswersIsCutAtItsTimeout() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket hole = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(hole.accept());
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
            WebhookChannel hook = new WebhookChannel(URI.create("http://127.0.0.1:" + hole.getLocalPort() + "/h"),
                    Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMillis(700), Clock.systemUTC());
            long start = System.nanoTime();
            DeliveryResult r = hook.deliver(new AlertMessage("k", "rule", "pi", true, NOW, null, null, null, 0, "silent",
                    "[Heartwatch] DOWN: pi", "text", "pi@" + NOW, null, AlertMessage.Names.NONE));
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertInstanceOf(DeliveryResult.RetryLater.class, r);
            assertTrue(took >= 600 && took < 3_000, "cut at the 700 ms timeout: " + took + " ms");
            assertEquals(1, held.size(), "one attempt, one connection");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static AlertMessage down() {
        return new AlertMessage("k", "rule", "pi", true, NOW, null, null, null, 0, "silent",
                "[Heartwatch] DOWN: pi", "text", "pi@" + NOW, null, AlertMessage.Names.NONE);
    }

    /** A loopback server that answers every connection with {@code raw} and then holds it open. */
    private static ServerSocket rawServer(String raw, List<Socket> held) throws Exception {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Socket c = server.accept();
                    held.add(c);
                    c.getOutputStream().write(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                }
            } catch (Exception e) {
                // closed
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void aWebhookThatSendsItsHeadAndStallsTheBodyIsCutAtItsTimeout() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket server = rawServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok", held)) {
            WebhookChannel hook = new WebhookChannel(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/h"),
                    Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMillis(700), Clock.systemUTC());
            long start = System.nanoTime();
            DeliveryResult r = hook.deliver(down());
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertInstanceOf(DeliveryResult.RetryLater.class, r, "a 200 whose body never ends is not a delivery");
            assertTrue(took < 3_000, "cut at the timeout: " + took + " ms");
        } finally {
            for (Socket c : held) {
                c.close();
            }
        }
    }

    @Test
    void aWebhookRedirectIsNotFollowedAndIsPermanent() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket server = rawServer("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\n"
                + "Content-Length: 0\r\n\r\n", held)) {
            WebhookChannel hook = new WebhookChannel(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/h"),
                    Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(5), Clock.systemUTC());
            DeliveryResult r = hook.deliver(down());
            assertEquals(new DeliveryResult.Permanent("HTTP 302"), r);
            assertEquals(1, held.size(), "one connection: the redirect was not followed");
        } finally {
            for (Socket c : held) {
                c.close();
            }
        }
    }

    @Test
    void anSmtpServerThatNeverGreetsIsCutAtTheTimeout() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket server = rawServer("", held)) {
            EmailChannel mail = new EmailChannel(new dev.heartwatch.server.config.ServerConfig.Smtp("127.0.0.1",
                    server.getLocalPort(), dev.heartwatch.server.config.ServerConfig.Smtp.Security.NONE, null, null,
                    "hw@example.test", List.of("me@example.test")), java.nio.file.Path.of("unused"), Duration.ofMillis(700));
            long start = System.nanoTime();
            DeliveryResult r = mail.deliver(down());
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertInstanceOf(DeliveryResult.RetryLater.class, r);
            assertTrue(took >= 600 && took < 3_000, "cut at the 700 ms timeout: " + took + " ms");
        } finally {
            for (Socket c : held) {
                c.close();
            }
        }
    }
}
