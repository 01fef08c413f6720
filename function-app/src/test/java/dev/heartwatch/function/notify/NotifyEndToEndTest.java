package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.function.Notify;
import dev.heartwatch.function.NotifyDeliver;
import dev.heartwatch.channels.support.AzuriteService;
import dev.heartwatch.function.support.FakeWorkspace;
import dev.heartwatch.function.support.NotifyCall;
import dev.heartwatch.function.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's "done when" for Azure: {@code Notify}, Fired then Resolved, through the queue
 * message to {@code NotifyDeliver}, against a fake workspace (Monitor Query's REST shape) that
 * holds the device's lines, a REAL Azurite Table service (HTTPS, OAuth) for the dedupe and the
 * issue number, and the channels' GitHub and Slack fakes. The payloads are composed from the
 * documented parts of the common alert schema (src/test/resources/alerts/README.md): Microsoft
 * publishes no Resolved sample for log search alerts V2.
 *
 * <p>The outage: pi beats every minute until 10:00:00, the agent loses DNS from 10:00:40 to
 * 10:42:00 and reports it with its beat of 10:43:00; Azure fires at 10:06:12 and resolves at
 * 10:52:03. The figures the messages must give follow from those lines through core's merge.
 */
@Tag("full")
class NotifyEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GITHUB_TOKEN = "github_pat_notify_end_to_end_test_token_0123456789";
    static final Instant LAST_BEAT = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant OUTAGE_START = Instant.parse("2026-12-01T10:00:40Z");
    static final Instant OUTAGE_END = Instant.parse("2026-12-01T10:42:00Z");

    @TempDir
    static Path dir;
    static TestCa ca;
    static AzuriteService azurite;
    static FakeService workspaceService;
    static FakeWorkspace workspace;

    FakeGitHub github = new FakeGitHub(GITHUB_TOKEN);
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:06:20Z"));
    List<String> lines = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create(dir);
        azurite = AzuriteService.start(AzuriteService.Kind.TABLE, dir, ca);
        workspace = new FakeWorkspace(TestTokens.LOGS_TOKEN);
        for (Instant t = Instant.parse("2026-12-01T09:00:00Z"); !t.isAfter(LAST_BEAT); t = t.plusSeconds(60)) {
            workspace.add(beat(t, 0));
        }
        for (Instant t = OUTAGE_END; !t.isAfter(Instant.parse("2026-12-01T10:55:00Z")); t = t.plusSeconds(60)) {
            workspace.add(beat(t, t.equals(Instant.parse("2026-12-01T10:43:00Z")) ? 1 : 0));
        }
        workspace.add(new OutageLine(Instant.parse("2026-12-01T10:43:00Z").toEpochMilli(), "pi", "o-17",
                OUTAGE_START.toEpochMilli(), OUTAGE_END.toEpochMilli(), "dns", null, "resolver timed out"));
        // Another device's lines and a host trace: never part of pi's figures.
        workspace.add(beat(Instant.parse("2026-12-01T10:20:00Z"), 0, "router"));
        workspace.addOther(Instant.parse("2026-12-01T10:20:00Z"), "Executing 'Functions.Ping'");
        workspaceService = new FakeService(ca, workspace::answer);
    }

    @AfterAll
    static void stop() {
        if (workspaceService != null) {
            workspaceService.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    static HeartbeatLine beat(Instant at, int outages) {
        return beat(at, outages, "pi");
    }

    static HeartbeatLine beat(Instant at, int outages, String device) {
        return new HeartbeatLine(at.toEpochMilli(), device, "running", "203.0.113.7", null, null, null, "1.0", outages, null);
    }

    static String payload(String name, String alertGuid) throws Exception {
        String p = Files.readString(Path.of("src/test/resources/alerts/" + name), StandardCharsets.UTF_8);
        return p.replace("1b2c3d4e-0000-4000-8000-00000000000a", alertGuid);
    }

    /** The delivery as the host would wire it, against the fakes, with its own table. */
    NotifyDeliver deliverer(String table, FakeService slack, FakeService gh, FakeService logs) {
        Map<String, String> s = new HashMap<>();
        s.put(NotifyConfig.WORKSPACE_ID, FakeWorkspace.ID);
        s.put(NotifyConfig.LOGS_ENDPOINT, logs.base().toString());
        s.put(NotifyConfig.TABLE_ENDPOINT, azurite.endpoint().toString());
        s.put(NotifyConfig.TABLE, table);
        s.put(NotifyConfig.THRESHOLD, "PT5M");
        s.put(NotifyConfig.DIGEST_GATHER, "PT0S"); // each alert alone: digests are DigestEndToEndTest's
        s.put(NotifyConfig.WORKBOOK_URL, "https://portal.azure.com/#resource/subscriptions/s/workbooks/heartwatch");
        s.put(NotifyConfig.LOGS_TIMEOUT, "PT2S");
        s.put("HEARTWATCH_SLACK_WEBHOOK_URL", slack.url("/services/T0/B0/notify-e2e-slack-secret").toString());
        s.put("HEARTWATCH_GITHUB_TOKEN", GITHUB_TOKEN);
        s.put("HEARTWATCH_GITHUB_REPO", FakeGitHub.REPO);
        s.put("HEARTWATCH_GITHUB_API_URL", gh.base().toString());
        s.put("HEARTWATCH_CHANNEL_TIMEOUT", "PT3S");
        NotifyDelivery d = NotifyConfig.delivery(s, TestTokens.of(Instant.now()), ca.client(), clock);
        return new NotifyDeliver(() -> d);
    }

    static String slackText(FakeService.Request r) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        StringBuilder all = new StringBuilder(body.path("text").asText());
        for (JsonNode b : body.path("blocks")) {
            all.append('\n').append(b.path("text").path("text").asText());
        }
        return all.toString();
    }

    @Test
    void firedThenResolvedGiveTheFiguresOneIssueOpenedCommentedClosedAndNothingTwice() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("notifyE2E", slack, gh, workspaceService);
            Notify notify = new Notify();

            NotifyCall.Result fired = NotifyCall.post(notify, payload("log-search-v2-fired.json", "1b2c3d4e-0000-4000-8000-0000000000e1"));
            assertEquals(202, fired.status());
            assertNotNull(fired.queued());
            assertNull(NotifyCall.deliver(deliver, fired.queued(), lines), () -> String.join("\n", lines));

            assertEquals(1, slack.requests().size());
            String down = slackText(slack.requests().get(0));
            assertTrue(down.contains("[Heartwatch] DOWN: pi"), down);
            assertTrue(down.contains("Last heartbeat:   2026-12-01T10:00:00Z"), down);
            assertTrue(down.contains("Declared down at: 2026-12-01T10:05:00Z (last heartbeat + threshold PT5M)"), down);
            assertTrue(down.contains("Outage began at:  2026-12-01T10:01:00Z"), down);
            assertTrue(down.contains("Workbook:     https://portal.azure.com/#resource/subscriptions/s/workbooks/heartwatch"), down);
            assertTrue(down.contains("heartwatch history --device pi --since 2026-11-30"), down);
            assertEquals(1, github.issues().size());
            assertEquals("pi down since 2026-12-01 10:00 UTC", github.issues().get(0).path("title").asText());
            assertEquals("open", github.issues().get(0).path("state").asText());

            clock.set(Instant.parse("2026-12-01T10:52:10Z"));
            NotifyCall.Result resolved = NotifyCall.post(notify, payload("log-search-v2-resolved.json", "1b2c3d4e-0000-4000-8000-0000000000e1"));
            assertEquals(202, resolved.status());
            assertNull(NotifyCall.deliver(deliver, resolved.queued(), lines), () -> String.join("\n", lines));

            assertEquals(2, slack.requests().size());
            String back = slackText(slack.requests().get(1));
            assertTrue(back.contains("[Heartwatch] RESOLVED: pi was down 41 min 20 s (dns)"), back);
            assertTrue(back.contains("Outage start: 2026-12-01T10:00:40Z"), back);
            assertTrue(back.contains("Outage end:   2026-12-01T10:42:00Z"), back);
            assertTrue(back.contains("Duration:     41 min 20 s (PT41M20S)"), back);
            assertTrue(back.contains("Cause:        dns"), back);
            assertTrue(back.contains("Detail:       resolver timed out"), back);
            assertTrue(back.contains("Source:       BOTH"), back);
            assertFalse(back.contains("No DOWN message"), back);

            assertEquals(1, github.issues().size(), "never two issues for one outage");
            assertEquals("closed", github.issues().get(0).path("state").asText());
            assertEquals(1, github.comments().size());
            String comment = github.comments().get(0);
            assertTrue(comment.startsWith("1: "), comment);
            assertTrue(comment.contains("41 min 20 s") && comment.contains("2026\\-12\\-01T10\\:00\\:40Z"), comment);

            // The same alert again, twice over (the action group's retry, the queue's redelivery): nothing is sent twice.
            int slackBefore = slack.requests().size();
            int githubBefore = gh.requests().size();
            for (String payload : List.of("log-search-v2-fired.json", "log-search-v2-resolved.json")) {
                NotifyCall.Result again = NotifyCall.post(notify, payload(payload, "1b2c3d4e-0000-4000-8000-0000000000e1"));
                assertEquals(202, again.status());
                assertNull(NotifyCall.deliver(deliver, again.queued(), lines));
                assertNull(NotifyCall.deliver(deliver, again.queued(), lines));
            }
            assertEquals(slackBefore, slack.requests().size(), "Slack got a repeat");
            assertEquals(githubBefore, gh.requests().size(), "GitHub got a request for a repeat");
            assertEquals(1, github.issues().size());
            assertEquals(1, github.comments().size());
        }
    }

    @Test
    void twoCopiesDeliveredAtOnceSendOnce() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("notifyTwice", slack, gh, workspaceService);
            String queued = NotifyCall.post(new Notify(), payload("log-search-v2-fired.json", "1b2c3d4e-0000-4000-8000-0000000000e2")).queued();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Callable<RuntimeException> one = () -> NotifyCall.deliver(deliver, queued, lines);
                List<Future<RuntimeException>> both = pool.invokeAll(List.of(one, one));
                for (Future<RuntimeException> f : both) {
                    RuntimeException e = f.get();
                    // The loser of the claim is retried by the queue (the claim is in flight), never sends.
                    if (e != null) {
                        assertInstanceOf(NotifyDelivery.Retry.class, e);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, slack.requests().size());
            assertEquals(1, github.issues().size());
            // The queue's next dequeue of the loser finds it delivered.
            assertNull(NotifyCall.deliver(deliver, queued, lines));
            assertEquals(1, slack.requests().size());
        }
    }

    @Test
    void aRetryLaterIsTheQueuesAndOnlyTheChannelThatFailedIsTriedAgain() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            // docs.slack.dev: 429 with Retry-After; then the service takes it.
            slack.then(Answer.of(429, Map.of("Retry-After", "20"), "rate_limited"));
            NotifyDeliver deliver = deliverer("notifyRetry", slack, gh, workspaceService);
            String queued = NotifyCall.post(new Notify(), payload("log-search-v2-fired.json", "1b2c3d4e-0000-4000-8000-0000000000e3")).queued();

            RuntimeException first = NotifyCall.deliver(deliver, queued, lines);
            assertInstanceOf(NotifyDelivery.Retry.class, first);
            assertTrue(first.getMessage().contains("slack"), first.getMessage());
            assertEquals(1, github.issues().size(), "GitHub took it the first time");

            clock.advance(Duration.ofSeconds(10)); // before Retry-After: not tried, the queue keeps it
            assertInstanceOf(NotifyDelivery.Retry.class, NotifyCall.deliver(deliver, queued, lines));
            assertEquals(1, slack.requests().size());

            clock.advance(Duration.ofSeconds(15));
            int githubRequests = gh.requests().size();
            assertNull(NotifyCall.deliver(deliver, queued, lines));
            assertEquals(2, slack.requests().size());
            assertEquals(githubRequests, gh.requests().size(), "GitHub was not asked again");
        }
    }

    @Test
    void aPermanentRefusalIsRecordedAndNotRetried() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(404, Map.of(), "no_service"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("notifyPermanent", slack, gh, workspaceService);
            String queued = NotifyCall.post(new Notify(), payload("log-search-v2-fired.json", "1b2c3d4e-0000-4000-8000-0000000000e4")).queued();
            assertNull(NotifyCall.deliver(deliver, queued, lines), "a permanent refusal is not the queue's to retry");
            assertNull(NotifyCall.deliver(deliver, queued, lines));
            assertEquals(1, slack.requests().size());
        }
    }

    @Test
    void whenTheWorkspaceCannotBeReadTheMessageSaysWhatIsMissing() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer);
             FakeService logs = new FakeService(ca, r -> Answer.hanging())) {
            NotifyDeliver deliver = deliverer("notifyNoLogs", slack, gh, logs);
            Notify notify = new Notify();
            String fired = NotifyCall.post(notify, payload("log-search-v2-fired.json", "1b2c3d4e-0000-4000-8000-0000000000e5")).queued();
            long t0 = System.nanoTime();
            assertNull(NotifyCall.deliver(deliver, fired, lines));
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(15)) < 0, "bounded by the logs timeout");
            String down = slackText(slack.requests().get(0));
            assertTrue(down.contains("[Heartwatch] DOWN: pi"), down);
            assertTrue(down.contains("Last heartbeat:   unknown (Application Insights could not be read in time: "
                    + "the workspace did not answer within PT2S)"), down);
            assertTrue(down.contains("Alert fired:      2026-12-01T10:06:12.123456700Z"), down);

            String resolved = NotifyCall.post(notify, payload("log-search-v2-resolved.json", "1b2c3d4e-0000-4000-8000-0000000000e5")).queued();
            assertNull(NotifyCall.deliver(deliver, resolved, lines));
            String back = slackText(slack.requests().get(1));
            assertTrue(back.contains("[Heartwatch] RESOLVED: pi"), back);
            assertTrue(back.contains("Outage figures: missing (Application Insights could not be read in time"), back);
            assertTrue(back.contains("Resolved at:  2026-12-01T10:52:03.765432100Z"), back);
        }
    }

    @Test
    void aResolvedWhoseFiredNeverCameSaysSoAndItsIssueIsOpenedAndClosed() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("notifyOrphan", slack, gh, workspaceService);
            clock.set(Instant.parse("2026-12-01T10:52:10Z"));
            String resolved = NotifyCall.post(new Notify(), payload("log-search-v2-resolved.json", "1b2c3d4e-0000-4000-8000-0000000000e6")).queued();
            assertNull(NotifyCall.deliver(deliver, resolved, lines));
            String back = slackText(slack.requests().get(0));
            assertTrue(back.contains("[Heartwatch] RESOLVED: pi was down 41 min 20 s (dns)"), back);
            assertTrue(back.contains("No DOWN message of this outage was sent from here"), back);
            assertEquals(1, github.issues().size());
            assertEquals("closed", github.issues().get(0).path("state").asText());
            assertTrue(github.issues().get(0).path("body").asText().contains("never opened an issue here"));
        }
    }

    @Test
    void aFiredDequeuedAfterItsResolvedIsNotSent() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("notifyOrder", slack, gh, workspaceService);
            Notify notify = new Notify();
            String fired = NotifyCall.post(notify, payload("log-search-v2-fired.json", "1b2c3d4e-0000-4000-8000-0000000000e7")).queued();
            String resolved = NotifyCall.post(notify, payload("log-search-v2-resolved.json", "1b2c3d4e-0000-4000-8000-0000000000e7")).queued();
            clock.set(Instant.parse("2026-12-01T10:52:10Z"));
            assertNull(NotifyCall.deliver(deliver, resolved, lines));
            assertNull(NotifyCall.deliver(deliver, fired, lines));
            assertEquals(1, slack.requests().size(), "only the RESOLVED");
            assertTrue(slackText(slack.requests().get(0)).contains("RESOLVED"));
            assertEquals(1, github.issues().size());
            assertEquals("closed", github.issues().get(0).path("state").asText());
            assertTrue(lines.stream().anyMatch(l -> l.contains("superseded")), lines.toString());
        }
    }

    /** A clock the test moves. */
}
