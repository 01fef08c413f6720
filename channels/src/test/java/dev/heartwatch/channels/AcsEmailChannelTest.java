package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.channels.support.Alerts;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AcsEmailChannel against a loopback HTTPS stand-in of Azure Communication Services Email, in
 * the shapes its REST reference documents ("Email - Send": 202 with Operation-Location and
 * Retry-After, body {id, status}; "Email - Get Send Result": 200 {id, status, error}; 429 with
 * Retry-After; 401 for a refused token; learn.microsoft.com/rest/api/communication/dataplane/email).
 * The waits between polls go to a recording sleeper and time is a clock the sleeper moves, so
 * nothing here sleeps.
 */
class AcsEmailChannelTest {
    static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.acs-test-token-of-some-length.sig";
    static final String SENDER = "DoNotReply@00000000-1111-2222-3333-444444444444.azurecomm.net";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestCa ca;
    FakeService fake;
    final List<Duration> slept = new ArrayList<>();
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:06:00Z"));

    /** A clock the sleeper moves forward. */
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

    AcsEmailChannel channel(AcsRateLimiter limits) {
        ChannelHttp http = new ChannelHttp(ca.client(), Duration.ofSeconds(2), clock, List.of());
        return new AcsEmailChannel(fake.base(), SENDER, List.of("me@example.com", "partner@example.com"), () -> TOKEN, http,
                limits, Duration.ofSeconds(15), d -> {
                    slept.add(d);
                    clock.advance(d);
                });
    }

    AcsEmailChannel channel() {
        return channel(AcsRateLimiter.azureManagedDomain());
    }

    /** 202 as Email - Send documents it: the operation's status URL on the same host. */
    Answer accepted(String id) {
        return Answer.of(202, Map.of("Operation-Location", fake.url("/emails/operations/" + id + "?api-version=2023-03-31").toString(),
                "Retry-After", "2", "Content-Type", "application/json"), "{\"id\":\"" + id + "\",\"status\":\"Running\"}");
    }

    static Answer status(String id, String status) {
        return Answer.of(200, Map.of("Retry-After", "3", "Content-Type", "application/json"),
                "{\"id\":\"" + id + "\",\"status\":\"" + status + "\"}");
    }

    @Test
    void aSendIsAcceptedThenPolledFromRunningToSucceeded() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(500, "{}"));
        fake.then(accepted("op-1"), status("op-1", "Running"), status("op-1", "Succeeded"));

        DeliveryResult r = channel().deliver(Alerts.down("pi"));

        assertInstanceOf(DeliveryResult.Delivered.class, r);
        List<FakeService.Request> reqs = fake.requests();
        assertEquals(3, reqs.size());
        FakeService.Request send = reqs.get(0);
        assertEquals("POST", send.method());
        assertEquals("/emails:send", send.path());
        assertEquals("api-version=2023-03-31", send.query());
        assertEquals("Bearer " + TOKEN, send.header("Authorization"));
        JsonNode body = JSON.readTree(send.body());
        assertEquals(SENDER, body.path("senderAddress").asText());
        assertEquals("[Heartwatch] DOWN: pi", body.path("content").path("subject").asText());
        assertEquals(Alerts.down("pi").text(), body.path("content").path("plainText").asText());
        assertTrue(body.path("content").path("html").asText().contains("No heartbeat from pi since"), body.toString());
        assertEquals("me@example.com", body.path("recipients").path("to").get(0).path("address").asText());
        assertEquals(2, body.path("recipients").path("to").size());
        assertTrue(body.path("userEngagementTrackingDisabled").asBoolean());
        for (FakeService.Request poll : reqs.subList(1, 3)) {
            assertEquals("GET", poll.method());
            assertEquals("/emails/operations/op-1", poll.path());
            assertEquals("Bearer " + TOKEN, poll.header("Authorization"));
        }
        // The first poll after the 202's Retry-After, the second after the Running answer's.
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(3)), slept);
    }

    @Test
    void aFailedOperationIsPermanentAndNamesItsCodeNotItsMessage() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(500, "{}"));
        fake.then(accepted("op-2"), Answer.json(200, "{\"id\":\"op-2\",\"status\":\"Failed\",\"error\":{\"code\":\"EmailDroppedAllRecipientsSuppressed\","
                + "\"message\":\"Message dropped <script>for me@example.com</script>\"}}"));

        DeliveryResult.Permanent p = assertInstanceOf(DeliveryResult.Permanent.class, channel().deliver(Alerts.down("pi")));

        assertTrue(p.reason().contains("Failed, code EmailDroppedAllRecipientsSuppressed"), p.reason());
        assertFalse(p.reason().contains("script") || p.reason().contains("me@example.com"), p.reason());
    }

    @Test
    void a429IsRetriedLaterAfterItsRetryAfter() throws Exception {
        fake = new FakeService(ca, r -> Answer.of(429, Map.of("Retry-After", "42", "Content-Type", "application/json"),
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests\"}}"));

        DeliveryResult.RetryLater r = assertInstanceOf(DeliveryResult.RetryLater.class, channel().deliver(Alerts.down("pi")));

        assertEquals(Duration.ofSeconds(42), r.after());
        assertEquals(1, fake.requests().size(), "no poll after a refused send");
    }

    @Test
    void a401IsARefusedCredentialNotRetried() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(401, "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"Invalid token\"}}"));

        DeliveryResult.Permanent p = assertInstanceOf(DeliveryResult.Permanent.class, channel().deliver(Alerts.down("pi")));

        assertTrue(p.reason().contains("credential refused (HTTP 401)"), p.reason());
        assertFalse(p.reason().contains(TOKEN));
    }

    @Test
    void aBadRequestIsPermanentWithTheServicesErrorCode() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(400, "{\"error\":{\"code\":\"InvalidSenderUserName\",\"message\":\"x\"}}"));

        DeliveryResult.Permanent p = assertInstanceOf(DeliveryResult.Permanent.class, channel().deliver(Alerts.down("pi")));

        assertEquals("request refused (HTTP 400, code InvalidSenderUserName)", p.reason());
    }

    @Test
    void stillRunningAfterTwoPollsCountsAsDeliveredAndIsNotSentAgain() throws Exception {
        fake = new FakeService(ca, r -> status("op-3", "Running"));
        fake.then(accepted("op-3"));

        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(Alerts.down("pi")));

        assertEquals(1 + AcsEmailChannel.MAX_POLLS, fake.requests().size(), "two status reads a send, no more");
    }

    @Test
    void theSixthSendInAMinuteIsRetriedLaterWithoutARequest() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(500, "{}"));
        AtomicInteger n = new AtomicInteger();
        fake.answerOtherwise(r -> r.method().equals("POST")
                ? Answer.of(202, Map.of(), "{\"id\":\"op-" + n.incrementAndGet() + "\",\"status\":\"Running\"}")
                : Answer.json(500, "{}"));
        AcsEmailChannel c = channel();
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(DeliveryResult.Delivered.class, c.deliver(Alerts.down("pi-" + i)));
        }

        DeliveryResult.RetryLater r = assertInstanceOf(DeliveryResult.RetryLater.class, c.deliver(Alerts.down("pi-5")));

        assertEquals(Duration.ofMinutes(1), r.after(), "the oldest send of the minute leaves the window in a minute");
        assertTrue(r.reason().contains("send limit"), r.reason());
        assertEquals(5, fake.requests().size(), "the sixth made no request");
        // An hour allows 10: after the minute, five more go, then the eleventh waits for the hour.
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(DeliveryResult.Delivered.class, c.deliver(Alerts.down("pj-" + i)));
        }
        clock.advance(Duration.ofMinutes(1));
        DeliveryResult.RetryLater hour = assertInstanceOf(DeliveryResult.RetryLater.class, c.deliver(Alerts.down("pk")));
        assertEquals(Duration.ofMinutes(58), hour.after());
    }

    @Test
    void statusReadsBeyondTheirLimitAreNotMadeAndTheEmailCountsAsDelivered() throws Exception {
        fake = new FakeService(ca, r -> status("op-4", "Running"));
        fake.then(accepted("op-4"));
        AcsRateLimiter limits = new AcsRateLimiter(5, 10, 1, 20);

        assertInstanceOf(DeliveryResult.Delivered.class, channel(limits).deliver(Alerts.down("pi")));

        assertEquals(2, fake.requests().size(), "one send, one status read: the limit allowed one");
    }

    @Test
    void anOperationLocationOnAnotherHostIsNotGivenTheToken() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(500, "{}"));
        fake.then(Answer.of(202, Map.of("Operation-Location", "https://attacker.example/emails/operations/x", "Retry-After", "1"), "{}"));

        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(Alerts.down("pi")));

        assertEquals(1, fake.requests().size());
        assertEquals(List.of(), slept);
    }

    @Test
    void noTokenIsRetriedLaterWithoutARequest() throws Exception {
        fake = new FakeService(ca, r -> Answer.json(500, "{}"));
        ChannelHttp http = new ChannelHttp(ca.client(), Duration.ofSeconds(2), clock, List.of());
        AcsEmailChannel c = new AcsEmailChannel(fake.base(), SENDER, List.of("me@example.com"),
                () -> {
                    throw new IllegalStateException("ManagedIdentityCredential authentication unavailable");
                }, http, AcsRateLimiter.azureManagedDomain(), Duration.ofSeconds(15), d -> { });

        DeliveryResult.RetryLater r = assertInstanceOf(DeliveryResult.RetryLater.class, c.deliver(Alerts.down("pi")));

        assertEquals("no Microsoft Entra token (IllegalStateException)", r.reason());
        assertNull(r.after());
        assertEquals(0, fake.requests().size());
    }

    @Test
    void deviceTextIsEscapedInTheHtmlAndKeptAsWrittenInThePlainText() {
        String hostile = "<img src=x onerror=alert(1)> & \"quoted\" 'single'";
        AlertMessage m = Alerts.down(hostile, "No heartbeat from " + hostile + ".\nSecond line");

        JsonNode body = AcsEmailChannel.payload(m, SENDER, List.of("me@example.com"));

        String html = body.path("content").path("html").asText();
        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#39;single&#39;.<br>\nSecond line"), html);
        assertEquals(m.text(), body.path("content").path("plainText").asText());
        assertFalse(body.path("content").path("subject").asText().contains("\n"));
    }
}
