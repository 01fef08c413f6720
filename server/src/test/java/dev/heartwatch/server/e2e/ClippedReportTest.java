package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.core.outage.ReportCheck;
import dev.heartwatch.core.outage.ReportClip;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 D7 against the real server over loopback: a device first seen 14 s ago reports a
 * 400-day outage. Before, the mail said "was down 400 d 0 h" and "Source: BOTH", and the uptime
 * was 3.98 %.
 */
class ClippedReportTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

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

    @Test
    void aFourHundredDayReportFromADeviceFirstSeen14SecondsAgoIsClippedTo14Seconds() throws Exception {
        s.ping("{\"device\":\"newpi\"}");
        clock.set(T0.plusSeconds(14));
        s.server.evaluateAndSend();
        Await.until(Duration.ofSeconds(10), () -> s.status("newpi") == DeviceStatus.DOWN, () -> "never DOWN: " + s.consoleText());
        Instant back = clock.instant();
        Instant claimed = back.minus(Duration.ofDays(400));
        s.ping("{\"device\":\"newpi\",\"sentAt\":" + back.toEpochMilli() + ",\"outages\":[{\"id\":\"o-400d\",\"start\":"
                + claimed.toEpochMilli() + ",\"end\":" + back.toEpochMilli() + ",\"cause\":\"isp\"}]}");

        ReportClip clip = s.server.store().facts().reportClip("newpi", "o-400d").orElseThrow();
        assertEquals(ReportClip.Reason.FIRST_BEAT, clip.reason());
        assertEquals(T0, clip.start());
        assertEquals(back, clip.end());
        assertEquals(claimed, clip.reportedStart(), "the report is kept as said beside the verdict");

        HttpResponse<String> lines = s.send(HttpRequest.newBuilder(s.uri("/api/history/lines?since=" + T0 + "&until="
                + back.plusSeconds(1) + "&device=newpi")).header("x-heartwatch-key", TestConfig.READ_KEY).GET());
        assertTrue(lines.body().contains("\"start\":" + T0.toEpochMilli() + ","), "the lines carry the clipped interval: " + lines.body());

        for (int i = 1; i <= 106; i++) { // two minutes in all, beating every second
            clock.set(back.plusSeconds(i));
            s.ping("{\"device\":\"newpi\"}");
            if (i % 10 == 0) {
                s.server.evaluateAndSend();
            }
        }
        s.server.evaluateAndSend();
        Await.until(Duration.ofSeconds(10), () -> Mailbox.count(greenMail, "[Heartwatch] RESOLVED: newpi") == 1,
                () -> "no resolved mail: " + Mailbox.all(greenMail) + "\n" + s.consoleText());
        Mailbox.Mail mail = Mailbox.all(greenMail).stream().filter(m -> m.subject().startsWith("[Heartwatch] RESOLVED")).findFirst()
                .orElseThrow();
        assertEquals("[Heartwatch] RESOLVED: newpi was down 14 s (isp)", mail.subject());
        assertTrue(mail.body().contains("Clipped:      the agent reported 400 d 0 h; clipped to 14 s: this device was first "
                + "heard at " + T0 + ", 14 s before it ended"), mail.body());
        assertFalse(mail.body().contains("BOTH"), mail.body());
        assertTrue(mail.body().contains("Source:       CLOUD, with the agent's report clipped"), mail.body());

        JsonNode outage = JSON.readTree(s.send(HttpRequest.newBuilder(s.uri("/api/devices/newpi/outages?days=1"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).GET()).body()).get("outages").get(0);
        assertEquals(14_000, outage.get("durationMs").asLong(), outage.toString());
        assertEquals("first-beat", outage.get("clip").asText(), "the dashboard says it was clipped too");
        assertEquals(Duration.ofDays(400).toMillis(), outage.get("reportedMs").asLong());

        JsonNode devices = JSON.readTree(s.send(HttpRequest.newBuilder(s.uri("/api/devices"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).GET()).body());
        JsonNode pi = devices.get("devices").get(0);
        double expected = 100.0 * (120 - 14) / 120;
        assertEquals(expected, pi.get("uptime24h").asDouble(), 1e-6, "14 s down in 2 minutes watched, not 3.98 %: " + pi);
    }

    @Test
    void aReportOfTimeBeforeTheFirstBeatIsStoredAsSaidButCountsNothing() throws Exception {
        s.ping("{\"device\":\"newpi\"}");
        clock.set(T0.plusSeconds(60));
        s.ping("{\"device\":\"newpi\",\"outages\":[{\"id\":\"o-old\",\"start\":" + T0.minus(Duration.ofDays(3)).toEpochMilli()
                + ",\"end\":" + T0.minus(Duration.ofDays(2)).toEpochMilli() + ",\"cause\":\"power\"}]}");
        assertEquals(ReportClip.Reason.BEFORE_FIRST_BEAT, s.server.store().facts().reportClip("newpi", "o-old").orElseThrow().reason());
        JsonNode outages = JSON.readTree(s.send(HttpRequest.newBuilder(s.uri("/api/devices/newpi/outages?days=30"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).GET()).body());
        outages.get("outages").forEach(o -> assertEquals("cloud", o.get("source").asText(), "only the gap counts: " + outages));
        HttpResponse<String> lines = s.send(HttpRequest.newBuilder(s.uri("/api/history/lines?since="
                + T0.minus(Duration.ofDays(1)) + "&until=" + T0.plusSeconds(61) + "&device=newpi"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).GET());
        assertFalse(lines.body().contains("o-old"), "history --server counts what the dashboard counts: " + lines.body());
        assertTrue(s.server.store().lineTexts("newpi", "outage", T0, T0.plusSeconds(61)).get(0).contains("o-old"),
                "the report is kept as said");
    }

    @Test
    void forgedReportsForAHealthyDeviceCountNoMoreThanTheSkewBoundEach() throws Exception {
        // A key holder sends 16 made-up 5-minute outages, ending 40 s apart, for a device the
        // server heard every 2 s (threshold PT3S: no gap of its own).
        for (int i = 0; i <= 480; i++) {
            clock.set(T0.plusSeconds(2L * i));
            s.ping("{\"device\":\"healthy\"}");
        }
        StringBuilder forged = new StringBuilder();
        for (int k = 0; k < 16; k++) {
            Instant end = T0.plusSeconds(300 + 40L * k);
            forged.append(k == 0 ? "" : ",").append("{\"id\":\"f-").append(k).append("\",\"start\":")
                    .append(end.minusSeconds(300).toEpochMilli()).append(",\"end\":").append(end.toEpochMilli())
                    .append(",\"cause\":\"isp\"}");
        }
        s.ping("{\"device\":\"healthy\",\"outages\":[" + forged + "]}");
        Duration perReport = ReportCheck.SKEW_BOUND.plusSeconds(2); // the bound, plus one beat interval
        for (int k = 0; k < 16; k++) {
            ReportClip clip = s.server.store().facts().reportClip("healthy", "f-" + k).orElseThrow();
            assertEquals(ReportClip.Reason.HEARD_DURING, clip.reason(), "f-" + k);
            assertTrue(clip.duration().compareTo(perReport) <= 0, "f-" + k + ": " + clip);
        }
        JsonNode outages = JSON.readTree(s.send(HttpRequest.newBuilder(s.uri("/api/devices/healthy/outages?days=1"))
                .header("x-heartwatch-key", TestConfig.READ_KEY).GET()).body()).get("outages");
        long down = 0;
        for (JsonNode o : outages) {
            down += o.get("durationMs").asLong();
        }
        assertTrue(down <= perReport.multipliedBy(16).toMillis(), "claimed 16 x 5 min (15 min merged), counted " + down + " ms: "
                + outages);
    }
}
