package dev.heartwatch.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.CapturedLog;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 D4 on the real server over loopback: one key holder sends 2,000 pings naming 2,000
 * new devices, 16 at a time, under the default limits (20 new names a minute per key, 50 at
 * once, 100 a minute in all). Only the admitted names are stored, every other ping is a 429,
 * a known device beating through the flood is never refused, nothing fails to commit
 * ({@code SQLITE_BUSY}), and the admitted names, silent after one beat, raise no DOWN: they
 * are in their warm-up (while the known device, silent after the flood, does go down). Then
 * the admitted names beat twice more and stop: each goes DOWN. Bounded: 2,000 requests, 100
 * more, and a few evaluations (about 20 s in all).
 */
@Tag("full")
class NewNameFloodTest {
    static final int NAMES = 2_000;

    @TempDir
    Path dir;

    @Test
    void twoThousandNewNamesAdmitOnlyTheLimitAndRaiseNoAlert() throws Exception {
        try (CapturedLog log = CapturedLog.of("dev.heartwatch.server");
             RunningServer s = new RunningServer(TestConfig.config(dir, Map.of("HEARTWATCH_HTTP_THREADS", "32",
                     "HEARTWATCH_WARM_UP_BEATS", "3")),
                     Clock.systemUTC())) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"home-pi\"}").statusCode());

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicInteger knownRefused = new AtomicInteger();
            Semaphore inFlight = new Semaphore(16); // below the per-address cap (32): the client keeps its connections open
            List<CompletableFuture<?>> all = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < NAMES; i++) {
                boolean known = i % 100 == 0;
                String device = known ? "home-pi" : "flood-" + i;
                inFlight.acquire();
                HttpRequest request = HttpRequest.newBuilder(s.uri("/api/ping?code=" + TestConfig.KEY))
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"" + device + "\"}")).build();
                all.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    inFlight.release();
                    int status = e != null ? -1 : r.statusCode();
                    statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                    if (known && status != 200) {
                        knownRefused.incrementAndGet();
                    }
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            double seconds = (System.nanoTime() - t0) / 1e9;

            int ok = statuses.getOrDefault(200, new AtomicInteger()).get();
            int refused = statuses.getOrDefault(429, new AtomicInteger()).get();
            String summary = statuses + " in " + String.format("%.1f", seconds) + " s";
            assertEquals(NAMES, ok + refused, "every ping is a 200 or a 429, nothing else: " + summary);
            assertEquals(0, knownRefused.get(), "the known device beating through the flood: " + summary);
            int admittedNew = ok - NAMES / 100;
            // The key's bucket: 50 at once, one of them home-pi's first beat, then 20 a minute (the
            // total's 100 is not reached).
            int most = 49 + (int) Math.floor(seconds * 20 / 60) + 1;
            assertTrue(admittedNew >= 49 && admittedNew <= most, "admitted " + admittedNew + ", expected 49.." + most + ": " + summary);
            assertEquals(admittedNew + 1, count(s, "SELECT count(*) FROM devices"), "only admitted names are stored");
            System.out.println("flood: " + summary + ", " + admittedNew + " new names admitted");

            // Threshold PT3S, an evaluation every second: the admitted names are all silent past it now.
            Thread.sleep(6_000);
            assertEquals(0, count(s, "SELECT count(*) FROM flips WHERE to_status = 'DOWN' AND device <> 'home-pi'"),
                    "names that beat once are in their warm-up: no DOWN");
            assertEquals(0, count(s, "SELECT count(*) FROM notifications WHERE device <> 'home-pi'"), "and no notification");
            assertEquals(1, count(s, "SELECT count(*) FROM flips WHERE to_status = 'DOWN' AND device = 'home-pi'"),
                    "the evaluator did run: home-pi, which beat 21 times, went down when the flood stopped");
            List<String> warnings = log.warnings();
            assertTrue(warnings.stream().noneMatch(w -> w.contains("SQLITE_BUSY") || w.contains("not stored")),
                    "no commit failed: " + warnings);
            long refusalsLogged = warnings.stream().filter(w -> w.contains("new devices refused")).count();
            assertTrue(refusalsLogged >= 1 && refusalsLogged <= 2,
                    "the refusals are logged once per window, not 1,900 times (and the log is captured): " + warnings);

            // The admitted names beat twice more (3 in all: warm-up over), then stop: each goes DOWN.
            List<String> admitted = names(s, "SELECT device FROM devices WHERE device <> 'home-pi'");
            for (int round = 0; round < 2; round++) {
                for (String device : admitted) {
                    assertEquals(200, s.post("/api/ping?code=" + TestConfig.KEY, "{\"device\":\"" + device + "\"}").statusCode(),
                            "an admitted name is known now: never refused");
                }
            }
            String downs = "SELECT count(*) FROM flips WHERE to_status = 'DOWN' AND device <> 'home-pi'";
            Await.until(Duration.ofSeconds(30), () -> count(s, downs) == admitted.size(),
                    () -> "every admitted name that beat 3 times and stopped is DOWN: " + count(s, downs) + " of " + admitted.size());
            // Each is recorded as a FIRED of its own; how they are mailed (one digest, on a clock
            // that stands still so that they flip in one evaluation) is FloodDigestTest's.
            assertEquals(admitted.size(), count(s, "SELECT count(*) FROM notifications WHERE device LIKE 'flood-%' AND condition = 'FIRED'"));
        }
    }

    private static List<String> names(RunningServer s, String sql) {
        return s.server.store().database().inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private static long count(RunningServer s, String sql) {
        return s.server.store().database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1L;
            }
        });
    }
}
