package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.Alerts;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.MemoryThreadState;
import dev.heartwatch.channels.support.TestCa;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every channel against its service's HTTPS fake on loopback, in the answer shapes each service
 * documents (the page is cited on each channel's class): taken, 429 with {@code Retry-After},
 * 5xx, 400 refused for good, 401 token refused, a receiver that never answers. No reason ever
 * shows the channel's secret.
 */
class ChatChannelAnswerTest {
    static final String SECRET = "s3cr3t-TOKEN-0123456789";
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Instant NOW = Instant.parse("2026-12-01T10:06:00Z");

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

    /** Each service: how the channel is made against the fake, and what the service answers when it takes a message. */
    enum Service {
        SLACK((base, http) -> new SlackChannel(base.resolve("/services/T0/B0/" + SECRET), http), Answer.of(200, Map.of(), "ok")),
        DISCORD((base, http) -> new DiscordChannel(base.resolve("/api/webhooks/1/" + SECRET), http), Answer.of(204, Map.of(), "")),
        TEAMS((base, http) -> new TeamsChannel(base.resolve("/workflows/x/triggers/manual/paths/invoke?sig=" + SECRET), http),
                Answer.of(202, Map.of(), "")),
        TELEGRAM((base, http) -> new TelegramChannel(base, "123456:" + SECRET, "-100200", http),
                Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":7,\"chat\":{\"id\":-100200},\"date\":1764583560}}")),
        NTFY((base, http) -> new NtfyChannel(base.resolve("/alerts-topic"), SECRET, http),
                Answer.json(200, "{\"id\":\"sPs71M8A2T\",\"time\":1764583560,\"event\":\"message\",\"topic\":\"alerts-topic\"}")),
        PUSHOVER((base, http) -> new PushoverChannel(base, SECRET, "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", http),
                Answer.json(200, "{\"status\":1,\"request\":\"647d2300-702c-4b38-8b2f-d56326ae460b\"}")),
        GITHUB((base, http) -> new GitHubIssueChannel(base, "acme/net", SECRET, new MemoryThreadState(), http),
                Answer.json(201, "{\"id\":1,\"number\":12,\"state\":\"open\"}"));

        final BiFunction<java.net.URI, ChannelHttp, NotificationChannel> make;
        final Answer taken;

        Service(BiFunction<java.net.URI, ChannelHttp, NotificationChannel> make, Answer taken) {
            this.make = make;
            this.taken = taken;
        }
    }

    NotificationChannel channel(Service s, Answer otherwise) throws Exception {
        // GitHub lists the label's issues first: an empty list, then the scripted answer.
        fake = new FakeService(ca, r -> r.method().equals("GET") ? Answer.json(200, "[]") : otherwise);
        ChannelHttp http = new ChannelHttp(ca.client(), TIMEOUT, Clock.fixed(NOW, java.time.ZoneOffset.UTC), List.of(SECRET));
        return s.make.apply(fake.base(), http);
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void aMessageTakenInTheServicesShapeIsDelivered(Service s) throws Exception {
        NotificationChannel c = channel(s, s.taken);
        assertInstanceOf(DeliveryResult.Delivered.class, c.deliver(Alerts.down("pi")));
        assertTrue(fake.requests().stream().anyMatch(r -> r.method().equals("POST")), "one POST reached the fake");
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void onlyTheChannelThatRecognisesARepeatIsRepeatedAfterACrash(Service s) throws Exception {
        // GitHub finds its issue by the thread; a chat or a phone would show the message twice.
        assertEquals(s == Service.GITHUB, channel(s, s.taken).repeatAfterCrash());
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void a429IsRetriedAfterTheReceiversRetryAfter(Service s) throws Exception {
        NotificationChannel c = channel(s, Answer.of(429, Map.of("Retry-After", "30", "Content-Type", "application/json"),
                "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests\",\"parameters\":{\"retry_after\":30},"
                        + "\"message\":\"You are being rate limited.\",\"retry_after\":30.0,\"global\":false}"));
        DeliveryResult r = c.deliver(Alerts.down("pi"));
        assertEquals(new DeliveryResult.RetryLater(Duration.ofSeconds(30), r instanceof DeliveryResult.RetryLater l ? l.reason() : "-"), r);
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void a5xxIsRetriedWithTheWorkersBackoff(Service s) throws Exception {
        DeliveryResult r = channel(s, Answer.json(503, "{\"ok\":false,\"error_code\":503,\"description\":\"busy\"}"))
                .deliver(Alerts.down("pi"));
        assertInstanceOf(DeliveryResult.RetryLater.class, r);
        assertEquals(null, ((DeliveryResult.RetryLater) r).after());
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void a400IsRefusedForGood(Service s) throws Exception {
        DeliveryResult r = channel(s, Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\","
                + "\"status\":0,\"errors\":[\"message cannot be blank\"],\"message\":\"Validation Failed\"}")).deliver(Alerts.down("pi"));
        assertInstanceOf(DeliveryResult.Permanent.class, r);
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void aRefusedTokenIsPermanentAndNeverShown(Service s) throws Exception {
        DeliveryResult r = channel(s, Answer.json(401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\","
                + "\"message\":\"Bad credentials " + SECRET + "\"}")).deliver(Alerts.down("pi"));
        DeliveryResult.Permanent p = assertInstanceOf(DeliveryResult.Permanent.class, r);
        assertTrue(p.reason().contains("credential refused"), p.reason());
        assertFalse(p.reason().contains(SECRET), p.reason());
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void aReceiverThatNeverAnswersIsCutAtTheTimeout(Service s) throws Exception {
        NotificationChannel c = channel(s, Answer.hanging());
        long t0 = System.nanoTime();
        DeliveryResult r = c.deliver(Alerts.down("pi"));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        DeliveryResult.RetryLater later = assertInstanceOf(DeliveryResult.RetryLater.class, r);
        assertTrue(took.compareTo(TIMEOUT.multipliedBy(3)) < 0, "cut near the timeout, took " + took);
        assertFalse(later.reason().contains(SECRET), later.reason());
    }

    @ParameterizedTest
    @EnumSource(Service.class)
    void aClosedPortIsRetriedWithoutShowingTheSecret(Service s) throws Exception {
        NotificationChannel c = channel(s, s.taken);
        fake.close();
        DeliveryResult.RetryLater later = assertInstanceOf(DeliveryResult.RetryLater.class, c.deliver(Alerts.down("pi")));
        assertFalse(later.reason().contains(SECRET), later.reason());
    }
}
