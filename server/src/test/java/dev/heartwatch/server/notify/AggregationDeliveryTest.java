package dev.heartwatch.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.WebhookChannel;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.alert.Evaluator;
import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.NotificationRecord;
import dev.heartwatch.server.support.Lines;
import dev.heartwatch.channels.support.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The aggregation policy as the server applies it: folded checks, threads, digests, in real mails (GreenMail). */
class AggregationDeliveryTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    /** home is expected, so it stays DOWN; its checks are not, so they leave the lookback (UNKNOWN) while it is down. */
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1),
            Duration.ofMinutes(1), Set.of("home"));
    static final SilenceRule PLAIN = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1),
            Duration.ofMinutes(1), Set.of());
    static final Map<String, String> PARENTS = Map.of("home.dns", "home", "home.web", "home");

    @TempDir
    Path dir;
    HeartwatchStore store;
    MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void open() {
        store = HeartwatchStore.open(dir.resolve("h.db"), "FULL");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private OutboxDelivery mail() {
        ServerConfig.Smtp smtp = new ServerConfig.Smtp("127.0.0.1", greenMail.getSmtp().getPort(), ServerConfig.Smtp.Security.NONE,
                null, null, "heartwatch@example.test", List.of("me@example.test"));
        return new OutboxDelivery(store, new AlertMessageFactory(store, RULE, "heartwatch-silence"),
                List.of(new EmailChannel(smtp, dir.resolve("outbox"))), DeliveryBackoff.DEFAULT, clock, Duration.ofSeconds(1));
    }

    private Evaluator evaluator() {
        return new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600),
                AggregationPolicy.defaults(RULE.heartbeatInterval()), PARENTS);
    }

    private void beatAll(Instant at) {
        Lines.beat(store, "home", at);
        Lines.beat(store, "home.dns", at);
        Lines.beat(store, "home.web", at);
    }

    private static List<String> subjects() throws Exception {
        List<String> out = new ArrayList<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            out.add(m.getSubject());
        }
        return out;
    }

    @Test
    void checksBehindADownAgentAreOneMailAndNeverResolveBecauseOfIt() throws Exception {
        Evaluator e = evaluator();
        OutboxDelivery d = mail();
        beatAll(T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        clock.set(T0.plus(Duration.ofMinutes(6)));
        assertEquals(1, d.deliverDue());
        assertEquals(List.of("[Heartwatch] DOWN: home (2 checks behind it unknown)"), subjects());
        String body = String.valueOf(greenMail.getReceivedMessages()[0].getContent());
        assertTrue(body.contains("2 checks behind it unknown (they report through it): home.dns, home.web"), body);

        // The checks leave the lookback while home is still down: their RESOLVEDs are held, not mailed.
        Instant late = T0.plus(Duration.ofMinutes(70));
        e.evaluate(late);
        clock.set(late.plus(Duration.ofMinutes(5)));
        d.deliverDue();
        assertEquals(1, greenMail.getReceivedMessages().length, "no false resolved: " + subjects());
        assertEquals(2, store.outbox().unplanned().size(), "held until home is back");

        // Everything is back: one RESOLVED for home, naming its checks.
        Instant back = T0.plus(Duration.ofMinutes(80));
        beatAll(back);
        e.evaluate(back.plusSeconds(1));
        clock.set(back.plus(Duration.ofMinutes(3)));
        assertEquals(1, d.deliverDue());
        List<String> s = subjects();
        assertEquals(2, s.size(), s.toString());
        assertTrue(s.get(1).startsWith("[Heartwatch] RESOLVED: home"), s.get(1));
        String resolved = String.valueOf(greenMail.getReceivedMessages()[1].getContent());
        assertTrue(resolved.contains("2 checks behind it back too: home.dns, home.web"), resolved);
        assertTrue(store.outbox().unplanned().isEmpty());
        assertTrue(store.outbox().pending().isEmpty());
    }

    @Test
    void aCheckDownBeforeItsAgentKeepsItsOwnMailAndStaysDown() throws Exception {
        Evaluator e = evaluator();
        OutboxDelivery d = mail();
        beatAll(T0);
        Lines.beat(store, "home", T0.plus(Duration.ofMinutes(3)));
        Lines.beat(store, "home.web", T0.plus(Duration.ofMinutes(3)));
        e.evaluate(T0.plus(Duration.ofMinutes(6))); // home.dns silent since T0: down on its own
        clock.set(T0.plus(Duration.ofMinutes(6)));
        assertEquals(1, d.deliverDue());
        e.evaluate(T0.plus(Duration.ofMinutes(9))); // now home (and home.web with it) goes down
        clock.set(T0.plus(Duration.ofMinutes(9)));
        assertEquals(1, d.deliverDue());
        assertEquals(List.of("[Heartwatch] DOWN: home.dns", "[Heartwatch] DOWN: home (1 check behind it unknown)"), subjects());
        assertEquals(dev.heartwatch.core.rule.DeviceStatus.DOWN, store.devices().device("home.dns").orElseThrow().status());
    }

    @Test
    void aResolvedMailAnswersItsDownInOneThread() throws Exception {
        Evaluator e = new Evaluator(store, PLAIN, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery d = mail();
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        clock.set(T0.plus(Duration.ofMinutes(6)));
        d.deliverDue();
        Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(10)));
        e.evaluate(T0.plus(Duration.ofMinutes(10)).plusSeconds(1));
        clock.set(T0.plus(Duration.ofMinutes(13)));
        d.deliverDue();
        // A second outage is a new thread.
        e.evaluate(T0.plus(Duration.ofMinutes(16)));
        clock.set(T0.plus(Duration.ofMinutes(16)));
        d.deliverDue();
        MimeMessage[] m = greenMail.getReceivedMessages();
        assertEquals(3, m.length);
        String root = m[0].getHeader("Message-ID", null);
        assertEquals(root, m[1].getHeader("In-Reply-To", null), "the RESOLVED answers its DOWN");
        assertEquals(root, m[1].getHeader("References", null));
        assertTrue(!root.equals(m[1].getHeader("Message-ID", null)));
        assertTrue(!root.equals(m[2].getHeader("Message-ID", null)), "the next outage opens its own thread");
        assertEquals(null, m[2].getHeader("In-Reply-To", null));
    }

    @Test
    void aDigestPayloadNamesItsDevicesAndKeepsOneAlertIdPerThread() throws Exception {
        Evaluator e = new Evaluator(store, PLAIN, Duration.ofSeconds(1), T0.minusSeconds(3600),
                new AggregationPolicy(2, 2, RULE.heartbeatInterval()), Map.of());
        for (String dev : List.of("a", "b", "c")) {
            Lines.beat(store, dev, T0);
        }
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        List<NotificationRecord> pending = store.outbox().pending();
        assertEquals(1, pending.size(), "one digest carries the three");
        NotificationRecord digest = pending.get(0);
        assertTrue(digest.digest());
        AlertMessage m = new AlertMessageFactory(store, RULE, "r", 2).build(digest);
        assertEquals("[Heartwatch] 3 devices down", m.subject());
        assertTrue(m.text().contains("  and 1 more"), m.text());
        JsonNode p = new ObjectMapper().readTree(WebhookChannel.payload(m, RULE.threshold(), RULE.evaluationFrequency()));
        assertEquals(3, p.at("/data/customProperties/deviceCount").asInt());
        assertEquals(2, p.at("/data/essentials/configurationItems").size(), "the capped list");
        assertTrue(p.at("/data/customProperties/digest").asBoolean());
        assertEquals(digest.threadKey(), p.at("/data/customProperties/threadKey").asText());
    }

    @Test
    void twoThousandDevicesDownInOneEvaluationAreOneDigestWithACappedList() {
        Evaluator e = new Evaluator(store, PLAIN, Duration.ofSeconds(1), T0.minusSeconds(3600));
        for (int i = 0; i < 2000; i++) {
            Lines.beat(store, String.format("n%04d", i), T0);
        }
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        assertTrue(store.outbox().pending().isEmpty(), "the digest gathers while the storm may go on");
        e.evaluate(T0.plus(Duration.ofMinutes(7)));
        List<NotificationRecord> pending = store.outbox().pending();
        assertEquals(1, pending.size(), "one message for 2,000 flips");
        AlertMessage m = new AlertMessageFactory(store, PLAIN, "r").build(pending.get(0));
        assertEquals("[Heartwatch] 2,000 devices down", m.subject());
        assertEquals(AggregationPolicy.DEFAULT_LIST_CAP, m.digestOf().shown().size());
        assertTrue(m.text().contains("  n0000  declared down at 2026-11-21T12:05:00Z"), m.text());
        assertTrue(m.text().contains("  and 1,950 more"), m.text());
        assertTrue(!m.text().contains("n0050"), "the list is capped");
    }

    @Test
    void notificationsLeftUnplannedByACrashArePlannedByTheNextEvaluation() {
        Lines.beat(store, "pi", T0);
        // The server died after recording the flip with its notification, before planning it.
        store.devices().recordFlip(new dev.heartwatch.core.rule.Flip("pi", dev.heartwatch.core.rule.DeviceStatus.UNKNOWN,
                        dev.heartwatch.core.rule.DeviceStatus.DOWN, T0.plus(Duration.ofMinutes(5)), "silent"),
                T0.plus(Duration.ofMinutes(6)), true, new dev.heartwatch.server.store.NewNotification("pi:DOWN:x", "pi",
                        NotificationRecord.FIRED, T0.plus(Duration.ofMinutes(5)), T0.plus(Duration.ofMinutes(5)), false, 0, "silent"));
        assertTrue(store.outbox().pending().isEmpty(), "not planned: no worker sends it");
        assertEquals(1, store.outbox().unplanned().size());
        new Evaluator(store, PLAIN, Duration.ofSeconds(1), T0.minusSeconds(3600)).evaluate(T0.plus(Duration.ofMinutes(7)));
        assertEquals(1, store.outbox().pending().size());
        assertEquals("pi@" + T0.plus(Duration.ofMinutes(5)), store.outbox().pending().get(0).threadKey());
    }

    @Test
    void aStormOverSeveralEvaluationsIsOneDigestMail() throws Exception {
        Evaluator e = new Evaluator(store, PLAIN, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery d = mail();
        for (int i = 0; i < 10; i++) {
            Lines.beat(store, "early" + i, T0);
        }
        for (int i = 0; i < 3; i++) {
            Lines.beat(store, "late" + i, T0.plusSeconds(30));
        }
        Lines.beat(store, "steady", T0.plus(Duration.ofMinutes(5)));
        e.evaluate(T0.plus(Duration.ofMinutes(5)).plusSeconds(1)); // the ten go down: a digest opens
        clock.set(T0.plus(Duration.ofMinutes(5)).plusSeconds(2));
        assertEquals(0, d.deliverDue(), "nothing is sent while the storm may go on");
        e.evaluate(T0.plus(Duration.ofMinutes(5)).plusSeconds(31)); // three more: they join it
        clock.set(T0.plus(Duration.ofMinutes(5)).plusSeconds(32));
        assertEquals(0, d.deliverDue());
        e.evaluate(T0.plus(Duration.ofMinutes(5)).plusSeconds(61)); // a quiet evaluation: released
        clock.set(T0.plus(Duration.ofMinutes(5)).plusSeconds(62));
        assertEquals(1, d.deliverDue());
        assertEquals(List.of("[Heartwatch] 13 devices down"), subjects());
        String body = String.valueOf(greenMail.getReceivedMessages()[0].getContent());
        assertTrue(body.contains("  early0  declared down at") && body.contains("  late2  declared down at"), body);
        assertTrue(!body.contains("steady"), body);
    }
}
