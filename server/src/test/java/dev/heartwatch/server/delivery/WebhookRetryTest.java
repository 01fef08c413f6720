package dev.heartwatch.server.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.heartwatch.server.store.NotificationRecord;
import dev.heartwatch.server.store.Outbox;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a channel's answer does, against the real server over loopback: the outbox's worker alone
 * retries, after the receiver's Retry-After; a permanent refusal is tried once; attempts are
 * counted where they land, at the receiver.
 */
class WebhookRetryTest {
    @TempDir
    Path dir;
    HttpServer receiver;
    final List<Long> attemptsAt = new CopyOnWriteArrayList<>();

    /** A receiver answering attempt n (0-based) with {@code answer.apply(n)}: status, and Retry-After seconds or -1. */
    private String receiver(IntFunction<int[]> answer) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger n = new AtomicInteger();
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            attemptsAt.add(System.nanoTime());
            int[] a = answer.apply(n.getAndIncrement());
            if (a[1] >= 0) {
                ex.getResponseHeaders().add("Retry-After", String.valueOf(a[1]));
            }
            ex.sendResponseHeaders(a[0], -1);
            ex.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private RunningServer server(String url) throws Exception {
        return new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_WEBHOOK_URL", url)), Clock.systemUTC());
    }

    private static NotificationRecord theDown(RunningServer s) {
        return s.server.store().outbox().of("pi").stream().filter(NotificationRecord::fired).findFirst().orElseThrow();
    }

    @Test
    void a503WithRetryAfterIsTriedAgainAfterThatAndOnlyOnce() throws Exception {
        String url = receiver(n -> n == 0 ? new int[] {503, 2} : new int[] {202, -1});
        try (RunningServer s = server(url)) {
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"pi\"}").statusCode());
            Await.until(Duration.ofSeconds(15), () -> attemptsAt.size() >= 2, () -> attemptsAt.size() + " attempts");
            long waited = Duration.ofNanos(attemptsAt.get(1) - attemptsAt.get(0)).toMillis();
            assertTrue(waited >= 2_000, "the second attempt waited the receiver's Retry-After of 2 s: " + waited + " ms");
            assertTrue(waited < 4_000, "and not much longer: " + waited + " ms");
            Await.until(Duration.ofSeconds(5), () -> s.server.store().outbox().pending().isEmpty(), () -> "still pending");
            Await.sleep(3_000);
            assertEquals(2, attemptsAt.size(), "one attempt refused, one taken: retries never multiply");
            Outbox.DeliveryAttempts d = s.server.store().outbox().attempts(theDown(s).id(), "webhook").orElseThrow();
            assertEquals(Outbox.DELIVERED, d.state());
            assertEquals(1, d.failedAttempts());
        }
    }

    @Test
    void a400IsPermanentAndNeverTriedAgain() throws Exception {
        String url = receiver(n -> new int[] {400, -1});
        try (RunningServer s = server(url)) {
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"pi\"}").statusCode());
            Await.until(Duration.ofSeconds(10), () -> attemptsAt.size() >= 1, () -> "never called");
            // Longer than the first backoff step: a retry would have come by now.
            Await.sleep(7_000);
            assertEquals(1, attemptsAt.size(), "a 400 is not retried");
            Outbox.DeliveryAttempts d = s.server.store().outbox().attempts(theDown(s).id(), "webhook").orElseThrow();
            assertEquals(Outbox.FAILED, d.state(), "stopped, and visible");
            assertEquals("HTTP 400", d.lastError());
            assertTrue(s.server.store().outbox().pending().isEmpty(), "the other channels took it: the message is done");
            assertTrue(s.consoleText().contains("ALERT FIRED [Heartwatch] DOWN: pi"), s.consoleText());
        }
    }

    @Test
    void a500WithoutRetryAfterBacksOffExponentiallyWithOneAttemptPerStep() throws Exception {
        String url = receiver(n -> n < 2 ? new int[] {500, -1} : new int[] {200, -1});
        try (RunningServer s = server(url)) {
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"pi\"}").statusCode());
            Await.until(Duration.ofSeconds(30), () -> attemptsAt.size() >= 3, () -> attemptsAt.size() + " attempts");
            long first = Duration.ofNanos(attemptsAt.get(1) - attemptsAt.get(0)).toMillis();
            long second = Duration.ofNanos(attemptsAt.get(2) - attemptsAt.get(1)).toMillis();
            assertTrue(first >= 5_000 && first < 7_000, "first step 5 s: " + first + " ms");
            assertTrue(second >= 10_000 && second < 12_000, "then 10 s: " + second + " ms");
            Await.sleep(2_000);
            assertEquals(3, attemptsAt.size());
        }
    }
}
