package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.Alerts;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers only one service gives: retry hints in the body, a moved chat, a refusal dressed as 200, ntfy's headers. */
class ServiceSpecificAnswerTest {
    static final String TOKEN = "123456:AAHsecretsecretsecretsecret_x";

    @TempDir
    static Path dir;
    static TestCa ca;
    FakeService fake;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(dir);
    }

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    ChannelHttp http() {
        return new ChannelHttp(ca.client(), Duration.ofSeconds(2), Clock.fixed(Instant.parse("2026-12-01T10:06:00Z"), ZoneOffset.UTC),
                List.of(TOKEN));
    }

    TelegramChannel telegram(Answer a) throws Exception {
        fake = new FakeService(ca, r -> a);
        return new TelegramChannel(fake.base(), TOKEN, "-100200", http());
    }

    @Test
    void telegramsRetryAfterInTheBodyIsHonouredWithoutAHeader() throws Exception {
        // core.telegram.org/bots/api#responseparameters: retry_after, seconds.
        DeliveryResult r = telegram(Answer.json(429, "{\"ok\":false,\"error_code\":429,"
                + "\"description\":\"Too Many Requests: retry after 7\",\"parameters\":{\"retry_after\":7}}")).deliver(Alerts.down("pi"));
        assertEquals(Duration.ofSeconds(7), assertInstanceOf(DeliveryResult.RetryLater.class, r).after());
    }

    @Test
    void aTelegramGroupThatBecameASupergroupSaysTheChatIdToSet() throws Exception {
        DeliveryResult r = telegram(Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was "
                + "upgraded to a supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":-1001234567890}}")).deliver(Alerts.down("pi"));
        DeliveryResult.Permanent p = assertInstanceOf(DeliveryResult.Permanent.class, r);
        assertTrue(p.reason().contains("-1001234567890"), p.reason());
    }

    @Test
    void aTelegramOkFalseIsNotDeliveredWhateverTheStatus() throws Exception {
        DeliveryResult r = telegram(Answer.json(200, "{\"ok\":false,\"error_code\":400,\"description\":\"x\"}")).deliver(Alerts.down("pi"));
        assertInstanceOf(DeliveryResult.Permanent.class, r);
    }

    @Test
    void theTelegramTokenInThePathIsNeverInAReason() throws Exception {
        TelegramChannel c = telegram(Answer.json(200, "{}"));
        fake.close();
        DeliveryResult.RetryLater r = assertInstanceOf(DeliveryResult.RetryLater.class, c.deliver(Alerts.down("pi")));
        assertFalse(r.reason().contains("AAHsecret"), r.reason());
        assertFalse(r.reason().contains(TOKEN), r.reason());
    }

    @Test
    void discordsRetryAfterInTheBodyIsHonouredWithoutAHeader() throws Exception {
        // discord.com/developers/docs/topics/rate-limits: {"message", "retry_after" (seconds, float), "global"}.
        fake = new FakeService(ca, r -> Answer.json(429, "{\"message\":\"You are being rate limited.\",\"retry_after\":1.5,\"global\":false}"));
        DeliveryResult r = new DiscordChannel(fake.url("/api/webhooks/1/x"), http()).deliver(Alerts.down("pi"));
        assertEquals(Duration.ofMillis(1500), assertInstanceOf(DeliveryResult.RetryLater.class, r).after());
    }

    @Test
    void ntfyGetsTitlePriorityTagsAndTheTokenAsHeaders() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(200, "{\"id\":\"a\",\"event\":\"message\"}"));
        NtfyChannel c = new NtfyChannel(fake.url("/alerts"), "tk_abc", http());
        assertInstanceOf(DeliveryResult.Delivered.class, c.deliver(Alerts.down("pi")));
        assertInstanceOf(DeliveryResult.Delivered.class, c.deliver(Alerts.resolved("pi")));
        FakeService.Request down = fake.requests().get(0);
        assertEquals("[Heartwatch] DOWN: pi", down.header("Title"));
        assertEquals("high", down.header("Priority"));
        assertEquals("rotating_light", down.header("Tags"));
        assertEquals("Bearer tk_abc", down.header("Authorization"));
        assertTrue(down.body().startsWith("No heartbeat from pi"), down.body());
        assertEquals("default", fake.requests().get(1).header("Priority"));
    }

    @Test
    void pushoverGetsAFormWithItsTokenUserAndPriority() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(200, "{\"status\":1,\"request\":\"r\"}"));
        assertInstanceOf(DeliveryResult.Delivered.class,
                new PushoverChannel(fake.base(), "apptoken", "userkey", http()).deliver(Alerts.down("pi")));
        FakeService.Request r = fake.requests().get(0);
        assertEquals("/1/messages.json", r.path());
        assertEquals("application/x-www-form-urlencoded", r.header("Content-Type"));
        assertTrue(r.body().startsWith("token=apptoken&user=userkey&title="), r.body());
        assertTrue(r.body().endsWith("&priority=1"), r.body());
    }
}
