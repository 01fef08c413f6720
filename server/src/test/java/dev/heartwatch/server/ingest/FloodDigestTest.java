package dev.heartwatch.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's "2,000 new names in 5 s", end to end through admission, warm-up and the digest, on
 * the real server mailing to GreenMail: one key holder sends 2,000 pings naming 2,000 new
 * devices; the names admitted within the limit beat M times (M = the warm-up's 3), then all
 * stop; the storm is exactly one mail, a digest naming every one of them. The clock stands still
 * while they beat (a MutableClock, so all fall silent at one instant and flip in one evaluation,
 * whatever the machine's load); it then moves past the PT3S threshold. Bounded: 2,000 requests,
 * ~150 more, one evaluation.
 */
@Tag("full")
class FloodDigestTest {
    static final int NAMES = 2_000;

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void theAdmittedNamesOfAFloodGoDownAsOneDigestMail() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("HEARTWATCH_SMTP_HOST", "127.0.0.1");
        settings.put("HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()));
        settings.put("HEARTWATCH_SMTP_SECURITY", "NONE");
        settings.put("HEARTWATCH_MAIL_TO", "me@example.test");
        settings.put("HEARTWATCH_WARM_UP_BEATS", "3");
        settings.put("HEARTWATCH_HTTP_THREADS", "32");
        MutableClock clock = new MutableClock(Instant.now());
        try (RunningServer s = new RunningServer(TestConfig.config(dir, settings), clock)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            Semaphore inFlight = new Semaphore(16); // below the per-address cap (32): the client keeps its connections open
            List<CompletableFuture<?>> all = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < NAMES; i++) {
                inFlight.acquire();
                HttpRequest request = HttpRequest.newBuilder(s.uri("/api/ping?code=" + TestConfig.KEY))
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"flood-" + i + "\"}")).build();
                all.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    inFlight.release();
                    statuses.computeIfAbsent(e != null ? -1 : r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            String summary = statuses + " in " + String.format("%.1f", (System.nanoTime() - t0) / 1e9) + " s";
            System.out.println("flood: " + summary);
            List<String> admitted = devices(s);
            // The clock stands still: the key's bucket gives its burst of 50 and no refill.
            assertEquals(50, admitted.size(), "admitted within the limit: " + summary);
            assertEquals(NAMES - 50, statuses.getOrDefault(429, new AtomicInteger()).get(), "the rest are 429s: " + summary);

            for (int round = 0; round < 2; round++) {
                for (String device : admitted) {
                    assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"" + device + "\"}").statusCode());
                }
            }
            clock.advance(Duration.ofSeconds(4));
            Await.until(Duration.ofSeconds(15), () -> greenMail.getReceivedMessages().length >= 1, () -> "no mail");
            Await.sleep(3_000); // time for any other mail to arrive
            MimeMessage[] mails = greenMail.getReceivedMessages();
            assertEquals(1, mails.length, "exactly one mail for the storm");
            assertEquals("[Heartwatch] 50 devices down", mails[0].getSubject());
            String body = String.valueOf(mails[0].getContent());
            for (String device : admitted) {
                assertTrue(body.contains("  " + device + "  declared down at"), device + " named in the digest: " + body);
            }
        }
    }

    private static List<String> devices(RunningServer s) {
        return s.server.store().database().inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT device FROM devices ORDER BY device");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }
}
