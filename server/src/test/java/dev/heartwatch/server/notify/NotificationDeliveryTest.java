package dev.heartwatch.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.DeliveryResult;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.channels.WebhookChannel;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.alert.Evaluator;
import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.support.Lines;
import dev.heartwatch.channels.support.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class NotificationDeliveryTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), java.util.Set.of());

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

    private ServerConfig.Smtp smtp() {
        return new ServerConfig.Smtp("127.0.0.1", greenMail.getSmtp().getPort(), ServerConfig.Smtp.Security.NONE,
                null, null, "heartwatch@example.test", List.of("me@example.test"));
    }

    private static ServerConfig.Smtp noSmtp() {
        return new ServerConfig.Smtp(null, 587, ServerConfig.Smtp.Security.STARTTLS, null, null, "hw@localhost", List.of());
    }

    /** Down at T0+5m, back at T0+10m with the agent's report of the outage (cause dns). */
    private void outage(Evaluator e) {
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        Instant back = T0.plus(Duration.ofMinutes(10));
        Lines.beatWithOutage(store, "pi", back, "o-7", T0.plusSeconds(40), back.minusSeconds(2), "dns");
        e.evaluate(back.plusSeconds(1));
        clock.set(back.plus(Duration.ofMinutes(3)));
    }

    private OutboxDelivery sender(List<NotificationChannel> channels) {
        return new OutboxDelivery(store, new AlertMessageFactory(store, RULE, "heartwatch-silence"), channels,
                DeliveryBackoff.DEFAULT, clock, Duration.ofSeconds(1));
    }

    @Test
    void firedAndResolvedMailsGoOverSmtpOnceEach() throws Exception {
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        OutboxDelivery s = sender(List.of(new EmailChannel(smtp(), dir.resolve("outbox"))));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        assertEquals(1, s.deliverDue());
        assertEquals(0, s.deliverDue(), "sent is sent");
        Instant back = T0.plus(Duration.ofMinutes(10));
        Lines.beatWithOutage(store, "pi", back, "o-7", T0.plusSeconds(40), back.minusSeconds(2), "dns");
        e.evaluate(back.plusSeconds(1));
        clock.set(back.plusSeconds(1));
        assertEquals(0, s.deliverDue(), "a resolved waits two beat intervals for the agent's outage report");
        clock.set(back.plus(Duration.ofMinutes(2)));
        assertEquals(1, s.deliverDue());
        MimeMessage[] mails = greenMail.getReceivedMessages();
        assertEquals(2, mails.length);
        assertEquals("[Heartwatch] DOWN: pi", mails[0].getSubject());
        assertTrue(mails[1].getSubject().startsWith("[Heartwatch] RESOLVED: pi was down 9 min 20 s (dns)"), mails[1].getSubject());
        String body = (String) mails[1].getContent();
        assertTrue(body.contains("Outage start: 2026-11-21T12:00:40Z"), body);
        assertTrue(body.contains("Cause:        dns"), body);
        assertTrue(body.contains("Source:       BOTH"), body);
    }

    @Test
    void withoutSmtpEachMailIsOneEmlFileInTheOutbox() throws Exception {
        Path outbox = dir.resolve("outbox");
        OutboxDelivery s = sender(List.of(new EmailChannel(noSmtp(), outbox)));
        outage(new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600)));
        assertEquals(2, s.deliverDue());
        try (Stream<Path> files = Files.list(outbox)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.stream().allMatch(n -> n.endsWith(".eml")), "no temporary file left: " + names);
            String resolved = Files.readString(outbox.resolve(names.stream().filter(n -> n.contains("resolved")).findFirst().orElseThrow()));
            assertTrue(resolved.contains("Subject: [Heartwatch] RESOLVED: pi"), resolved);
        }
    }

    @Test
    void aFailedChannelLeavesTheNotificationPendingForTheNextRound() {
        NotificationChannel broken = new NotificationChannel() {
            int calls;

            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public DeliveryResult deliver(AlertMessage message) {
                return calls++ == 0 ? DeliveryResult.retry("down") : DeliveryResult.delivered();
            }
        };
        OutboxDelivery s = sender(List.of(broken));
        Lines.beat(store, "pi", T0);
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        assertEquals(0, s.deliverDue());
        assertEquals(1, store.outbox().pending().size());
        assertEquals(0, s.deliverDue(), "the channel waits its backoff before the next attempt");
        clock.set(clock.instant().plus(DeliveryBackoff.DEFAULT.first()));
        assertEquals(1, s.deliverDue());
        assertTrue(store.outbox().pending().isEmpty());
    }

    /** A channel that counts deliveries and can be told to fail. */
    static final class CountingChannel implements NotificationChannel {
        final String name;
        final boolean repeat;
        int delivered;
        boolean failing;

        CountingChannel(String name, boolean repeat) {
            this.name = name;
            this.repeat = repeat;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeliveryResult deliver(AlertMessage message) {
            if (failing) {
                return DeliveryResult.retry("refused");
            }
            delivered++;
            return DeliveryResult.delivered();
        }

        @Override
        public boolean repeatAfterCrash() {
            return repeat;
        }
    }

    private void downNotification() {
        Lines.beat(store, "pi", T0);
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
    }

    @Test
    void aFailingWebhookDoesNotRepeatAMailAlreadyDelivered() {
        CountingChannel mail = new CountingChannel("email", false);
        CountingChannel hook = new CountingChannel("webhook", true);
        hook.failing = true;
        OutboxDelivery s = sender(List.of(mail, hook));
        downNotification();

        assertEquals(0, s.deliverDue());
        hook.failing = false;
        clock.set(clock.instant().plus(DeliveryBackoff.DEFAULT.first()));
        assertEquals(1, s.deliverDue());

        assertEquals(1, mail.delivered, "the mail went out once");
        assertEquals(1, hook.delivered, "the webhook was retried until it took it");
    }

    @Test
    void aMessageStillRefusedADayLaterIsGivenUpAndTheChannelMovesOn() {
        CountingChannel hook = new CountingChannel("webhook", true);
        hook.failing = true;
        OutboxDelivery s = sender(List.of(hook));
        downNotification();
        long id = store.outbox().pending().get(0).id();
        assertEquals(0, s.deliverDue());
        clock.set(store.outbox().pending().get(0).createdAt().plus(DeliveryBackoff.DEFAULT.giveUpAfter()));
        assertEquals(1, s.deliverDue(), "given up: done with it");
        assertTrue(store.outbox().pending().isEmpty());
        var d = store.outbox().attempts(id, "webhook").orElseThrow();
        assertEquals(dev.heartwatch.server.store.Outbox.FAILED, d.state());
        assertEquals(2, d.failedAttempts());
        assertTrue(d.lastError().startsWith("gave up after PT24H: refused"), d.lastError());
    }

    @Test
    void aMailInterruptedByACrashIsNotSentAgainAfterTheRestart() {
        downNotification();
        long id = store.outbox().pending().get(0).id();
        // The server died inside the SMTP exchange: the claim is there, the confirmation is not.
        store.outbox().recordDelivery(id, "email", dev.heartwatch.server.store.Outbox.SENDING, T0.plus(Duration.ofMinutes(6)));
        CountingChannel mail = new CountingChannel("email", false);
        CountingChannel hook = new CountingChannel("webhook", true);

        assertEquals(1, sender(List.of(mail, hook)).deliverDue());

        assertEquals(0, mail.delivered, "a person never gets the same alert twice");
        assertEquals(1, hook.delivered);
        assertTrue(store.outbox().pending().isEmpty());
    }

    @Test
    void aWebhookInterruptedByACrashIsRepeatedWithTheSameKey() {
        downNotification();
        long id = store.outbox().pending().get(0).id();
        store.outbox().recordDelivery(id, "webhook", dev.heartwatch.server.store.Outbox.SENDING, T0.plus(Duration.ofMinutes(6)));
        CountingChannel hook = new CountingChannel("webhook", true);

        assertEquals(1, sender(List.of(hook)).deliverDue());

        assertEquals(1, hook.delivered, "receivers drop repeats by the alert id");
    }

    @Test
    void theWebhookPostsAzuresCommonAlertSchema() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        hook.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook");
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            OutboxDelivery s = sender(List.of(new WebhookChannel(url, RULE.threshold(), RULE.evaluationFrequency(),
                    WebhookChannel.DEFAULT_TIMEOUT, clock),
                    new ConsoleChannel(new PrintStream(console, true, StandardCharsets.UTF_8))));
            outage(new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600)));
            assertEquals(2, s.deliverDue());
            assertEquals(2, bodies.size());
            ObjectMapper json = new ObjectMapper();
            JsonNode fired = json.readTree(bodies.get(0));
            JsonNode resolved = json.readTree(bodies.get(1));
            assertEquals("azureMonitorCommonAlertSchema", fired.get("schemaId").asText());
            JsonNode e1 = fired.at("/data/essentials");
            JsonNode e2 = resolved.at("/data/essentials");
            assertEquals("Fired", e1.get("monitorCondition").asText());
            assertEquals("Resolved", e2.get("monitorCondition").asText());
            assertEquals("Log", e1.get("signalType").asText());
            assertEquals("Log Alerts V2", e1.get("monitoringService").asText());
            assertEquals("1.0", e1.get("essentialsVersion").asText());
            assertEquals(e1.get("alertId").asText(), e2.get("alertId").asText(), "one alert instance, fired then resolved");
            assertEquals("2026-11-21T12:05:00Z", e1.get("firedDateTime").asText());
            assertTrue(e1.get("resolvedDateTime").isNull());
            assertEquals("2026-11-21T12:10:00Z", e2.get("resolvedDateTime").asText());
            JsonNode dim = resolved.at("/data/alertContext/condition/allOf/0/dimensions/0");
            assertEquals("device", dim.get("name").asText());
            assertEquals("pi", dim.get("value").asText());
            assertEquals("dns", resolved.at("/data/customProperties/outageCause").asText());
            String out = console.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("ALERT FIRED [Heartwatch] DOWN: pi"), out);
            assertTrue(out.contains("ALERT RESOLVED"), out);
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void aResolvedAlertWithoutAnAgentReportUsesTheCloudsView() {
        Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
        Lines.beat(store, "pi", T0);
        e.evaluate(T0.plusSeconds(1));
        e.evaluate(T0.plus(Duration.ofMinutes(6)));
        Lines.beat(store, "pi", T0.plus(Duration.ofMinutes(10)));
        e.evaluate(T0.plus(Duration.ofMinutes(10)).plusSeconds(1));
        var resolved = store.outbox().of("pi").get(1);
        AlertMessage m = new AlertMessageFactory(store, RULE, "r").build(resolved);
        assertEquals(dev.heartwatch.core.outage.Source.CLOUD, m.outage().source());
        assertEquals(T0.plus(Duration.ofMinutes(1)), m.outage().start(), "last beat + interval");
        assertEquals("unknown", m.outage().cause());
        assertNull(m.outage().ongoing() ? "ongoing" : null);
    }
}
