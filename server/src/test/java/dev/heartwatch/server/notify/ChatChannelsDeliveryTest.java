package dev.heartwatch.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.alert.Evaluator;
import dev.heartwatch.server.config.ChannelSettings;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.support.Lines;
import dev.heartwatch.channels.support.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's outbox delivering one outage to Slack, Telegram and GitHub issues, configured as
 * an operator would (ChannelSettings) against HTTPS fakes on loopback: one DOWN and one RESOLVED
 * on each, the figures in them, exactly one GitHub issue opened, commented on and closed — and
 * after the store is closed and opened again, nothing is sent twice and the issue is still known.
 */
class ChatChannelsDeliveryTest {
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of());
    static final String GITHUB_TOKEN = "github_pat_0123456789abcdef";
    static final String TELEGRAM_TOKEN = "123456789:AAHsecretsecretsecretsecret_x";

    @TempDir
    static Path caDir;
    static TestCa ca;
    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(T0);
    FakeService slack;
    FakeService telegram;
    FakeService github;
    FakeGitHub issues = new FakeGitHub(GITHUB_TOKEN);

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(caDir);
    }

    @BeforeEach
    void fakes() throws Exception {
        slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
        telegram = new FakeService(ca, r -> Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":1}}"));
        github = new FakeService(ca, issues::answer);
    }

    @AfterEach
    void stop() {
        slack.close();
        telegram.close();
        github.close();
    }

    List<NotificationChannel> channels(HeartwatchStore store) {
        ChannelSettings settings = ChannelSettings.from(Map.of(
                "HEARTWATCH_SLACK_WEBHOOK_URL", slack.url("/services/T0/B0/hooksecret").toString(),
                "HEARTWATCH_TELEGRAM_TOKEN", TELEGRAM_TOKEN, "HEARTWATCH_TELEGRAM_CHAT_ID", "-100200",
                "HEARTWATCH_TELEGRAM_API_URL", telegram.base().toString(),
                "HEARTWATCH_GITHUB_TOKEN", GITHUB_TOKEN, "HEARTWATCH_GITHUB_REPO", FakeGitHub.REPO,
                "HEARTWATCH_GITHUB_API_URL", github.base().toString(), "HEARTWATCH_CHANNEL_TIMEOUT", "PT3S"));
        return settings.channels(store.channelThreads(), clock, ca.client());
    }

    OutboxDelivery sender(HeartwatchStore store) {
        return new OutboxDelivery(store, new AlertMessageFactory(store, RULE, "heartwatch-silence"), channels(store),
                DeliveryBackoff.DEFAULT, clock, Duration.ofSeconds(1));
    }

    @Test
    void oneOutageIsOneDownAndOneResolvedOnEachChannelAndOneGitHubIssue() throws Exception {
        Path db = dir.resolve("h.db");
        try (HeartwatchStore store = HeartwatchStore.open(db, "FULL")) {
            Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));
            OutboxDelivery s = sender(store);
            Lines.beat(store, "pi", T0);
            e.evaluate(T0.plusSeconds(1));
            e.evaluate(T0.plus(Duration.ofMinutes(6)));
            clock.set(T0.plus(Duration.ofMinutes(6)));
            assertEquals(1, s.deliverDue());
            assertEquals(1, issues.issues().size(), "the DOWN opened one issue");
            assertEquals("open", issues.issues().get(0).path("state").asText());

            Instant back = T0.plus(Duration.ofMinutes(10));
            Lines.beatWithOutage(store, "pi", back, "o-7", T0.plusSeconds(40), back.minusSeconds(2), "dns");
            e.evaluate(back.plusSeconds(1));
            clock.set(back.plus(Duration.ofMinutes(3)));
            assertEquals(1, s.deliverDue());
        }
        assertEquals(2, posts(slack), "one DOWN, one RESOLVED");
        assertEquals(2, posts(telegram));
        String resolvedText = new ObjectMapper().readTree(telegram.requests().get(1).body()).path("text").asText();
        assertTrue(resolvedText.contains("dns"), resolvedText);
        assertTrue(telegram.requests().get(0).path().equals("/bot" + TELEGRAM_TOKEN + "/sendMessage"));
        assertEquals(1, issues.issues().size(), "never a second issue");
        assertEquals("closed", issues.issues().get(0).path("state").asText());
        assertEquals(1, issues.comments().size());
        assertTrue(issues.comments().get(0).contains("dns"), issues.comments().get(0));

        try (HeartwatchStore store = HeartwatchStore.open(db, "FULL")) {
            assertEquals(0, sender(store).deliverDue(), "sent is sent, after a reopen too");
            assertTrue(store.channelThreads().get("github:" + FakeGitHub.REPO + ":"
                    + store.outbox().of("pi").get(0).threadKey()).isPresent(), "the issue's number survived the reopen");
        }
        assertEquals(2, posts(slack));
        assertEquals(1, issues.issues().size());
    }

    private static long posts(FakeService f) {
        return f.requests().stream().filter(r -> r.method().equals("POST")).count();
    }
}
