package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.GitHubIssueChannel;
import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.function.Notify;
import dev.heartwatch.function.NotifyDeliver;
import dev.heartwatch.function.support.AzuriteQueue;
import dev.heartwatch.channels.support.AzuriteService;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.function.support.FakeWorkspace;
import dev.heartwatch.function.support.NotifyCall;
import dev.heartwatch.function.support.TestTokens;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 §4 in Azure: a storm gathered in its window and planned by the aggregation policy,
 * against a REAL Azurite Table service (records, leader, plan, dedupe) and a REAL Azurite Queue
 * service (the window's message, put with Put Message's {@code visibilitytimeout}; this test takes
 * it as the host would once visible), the fake workspace (Monitor Query's REST shape) and the
 * channels' Slack and GitHub fakes.
 *
 * <p>The devices d01..d20 (and s1..s3, hub and its checks hub.disk, hub.web, hub.ntp) beat every minute until 10:00:00 and again from 10:42:00;
 * Azure fires each at 10:06:12 and resolves it at 10:52:03 (the payloads of
 * src/test/resources/alerts), so every Fired is in the window of 10:06 and every Resolved in
 * that of 10:52. The gather time is one second so the window's message is due at 10:07:01
 * (10:53:01), and the test's clock stands four seconds before that when the alerts are recorded:
 * the queue then holds the message back for four real seconds.
 */
@Tag("full")
class DigestEndToEndTest {
    static final String GITHUB_TOKEN = "github_pat_digest_end_to_end_test_token_0123456789";
    static final Instant FIRED_WINDOW_DUE = Instant.parse("2026-12-01T10:07:01Z");
    static final List<String> HUB_CHECKS = List.of("hub.disk", "hub.web", "hub.ntp");
    static final Instant RESOLVED_WINDOW_DUE = Instant.parse("2026-12-01T10:53:01Z");

    @TempDir
    static Path dir;
    static TestCa ca;
    static AzuriteService azurite;
    static AzuriteQueue queue;
    static FakeService workspaceService;

    FakeGitHub github = new FakeGitHub(GITHUB_TOKEN);
    /** Four seconds before the Fired window is due: its message is invisible for that long, in real time. */
    MutableClock clock = new MutableClock(FIRED_WINDOW_DUE.minusSeconds(4));
    List<String> lines = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create(dir);
        azurite = AzuriteService.start(AzuriteService.Kind.TABLE, dir, ca);
        queue = AzuriteQueue.start(dir, ca);
        queue.create(Notify.QUEUE);
        FakeWorkspace workspace = new FakeWorkspace(TestTokens.LOGS_TOKEN);
        for (Instant t = Instant.parse("2026-12-01T09:00:00Z"); !t.isAfter(Instant.parse("2026-12-01T10:55:00Z"));
                t = t.plusSeconds(60)) {
            if (t.isAfter(Instant.parse("2026-12-01T10:00:00Z")) && t.isBefore(Instant.parse("2026-12-01T10:42:00Z"))) {
                continue;
            }
            for (String d : devices("d", 20)) {
                workspace.add(beat(t, d));
            }
            for (String d : devices("s", 3)) {
                workspace.add(beat(t, d));
            }
            workspace.add(CheckFoldingEndToEndTest.beat(t, "hub", null));
            for (String c : HUB_CHECKS) {
                workspace.add(CheckFoldingEndToEndTest.beat(t, c, "hub"));
            }
        }
        workspaceService = new FakeService(ca, workspace::answer);
    }

    @AfterAll
    static void stop() {
        if (workspaceService != null) {
            workspaceService.close();
        }
        if (queue != null) {
            queue.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    static List<String> devices(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(prefix.equals("d") ? String.format("d%02d", i) : prefix + i);
        }
        return out;
    }

    static HeartbeatLine beat(Instant at, String device) {
        return new HeartbeatLine(at.toEpochMilli(), device, "running", "203.0.113.7", null, null, null, "1.0", 0, null);
    }

    /** The delivery as the host would wire it, digests on (after 5, as the server's default), against the fakes. */
    NotifyDelivery delivery(String table, FakeService slack, FakeService gh) {
        Map<String, String> s = new HashMap<>();
        s.put(NotifyConfig.WORKSPACE_ID, FakeWorkspace.ID);
        s.put(NotifyConfig.LOGS_ENDPOINT, workspaceService.base().toString());
        s.put(NotifyConfig.TABLE_ENDPOINT, azurite.endpoint().toString());
        s.put(NotifyConfig.TABLE, table);
        s.put(NotifyConfig.QUEUE_ENDPOINT, queue.endpoint().toString());
        s.put(NotifyConfig.THRESHOLD, "PT5M");
        s.put(NotifyConfig.DIGEST_GATHER, "PT1S");
        s.put(NotifyConfig.LOGS_TIMEOUT, "PT2S");
        s.put("HEARTWATCH_SLACK_WEBHOOK_URL", slack.url("/services/T0/B0/digest-e2e-slack-secret").toString());
        s.put("HEARTWATCH_GITHUB_TOKEN", GITHUB_TOKEN);
        s.put("HEARTWATCH_GITHUB_REPO", FakeGitHub.REPO);
        s.put("HEARTWATCH_GITHUB_API_URL", gh.base().toString());
        s.put("HEARTWATCH_CHANNEL_TIMEOUT", "PT3S");
        return NotifyConfig.delivery(s, TestTokens.of(Instant.now()), ca.client(), clock);
    }

    /** Notify's queue messages for each device's alert (its own alert id). */
    static List<String> queued(String payload, List<String> devices, int base) throws Exception {
        Notify notify = new Notify();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            NotifyCall.Result r = NotifyCall.post(notify, CheckFoldingEndToEndTest.payload(payload, devices.get(i), base + i));
            assertEquals(202, r.status());
            out.add(r.queued());
        }
        return out;
    }

    /**
     * Every alert message delivered; none sends, each is gathered. Right after the first, the
     * window's message is on the queue but invisible: its visibility timeout holds it back.
     */
    void gatherAll(NotifyDeliver deliver, List<String> messages) throws Exception {
        for (String m : messages) {
            assertNull(NotifyCall.deliver(deliver, m, lines), () -> String.join("\n", lines));
            if (m.equals(messages.get(0))) {
                assertEquals(List.of(), queue.peek(Notify.QUEUE), "the window's message is held back by its visibility timeout");
            }
        }
    }

    /** The window's message once visible (the delay is a few real seconds): exactly one, taken as the host does. */
    static String windowMessage() throws Exception {
        List<String> taken = List.of();
        for (int i = 0; i < 100 && taken.isEmpty(); i++) {
            Thread.sleep(200);
            taken = queue.take(Notify.QUEUE);
        }
        assertEquals(1, taken.size(), "one message per window, whoever of its alerts came first: " + taken);
        assertTrue(DigestWindows.isWindowMessage(taken.get(0)), taken.get(0));
        return taken.get(0);
    }

    @Test
    void twentyDevicesAreOneDigestPerChannelThenOneDigestResolveAndNothingTwice() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDelivery d = delivery("digestStorm", slack, gh);
            NotifyDeliver deliver = new NotifyDeliver(() -> d);
            List<String> devices = devices("d", 20);
            List<String> fired = queued("log-search-v2-fired.json", devices, 300);
            List<String> resolved = queued("log-search-v2-resolved.json", devices, 300);

            gatherAll(deliver, fired);
            assertEquals(0, slack.requests().size(), "nothing is sent while the window gathers");
            assertEquals(0, gh.requests().size());
            String firedWindow = windowMessage();
            // Planned late in 10:07 (the queue's polling): the digest is held open for 10:07's
            // evaluation, whose window comes even though it raised nothing, and sends it.
            clock.set(SECOND_WINDOW_DUE.minusSeconds(3));
            assertNull(NotifyCall.deliver(deliver, firedWindow, lines), () -> String.join("\n", lines));
            assertEquals(0, slack.requests().size(), "held open for the next evaluation: " + lines);
            String firedRelease = windowMessage();
            assertEquals(DigestWindows.windowMessage(FIRST_MINUTE + 1), firedRelease);
            clock.set(SECOND_WINDOW_DUE.plusSeconds(1));
            assertNull(NotifyCall.deliver(deliver, firedRelease, lines), () -> String.join("\n", lines));

            assertEquals(1, slack.requests().size(), "one digest on Slack, not 20 messages");
            String down = NotifyEndToEndTest.slackText(slack.requests().get(0));
            assertTrue(down.contains("[Heartwatch] 20 devices down"), down);
            for (String dev : devices) {
                assertTrue(down.contains(dev + "  alert fired at 2026-12-01T10:06:12.123456700Z"), dev + " in " + down);
            }
            // GitHub keeps one issue per outage, at most 10 per storm, the rest in one shared issue (the server's rule).
            assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, github.issues().size());
            assertTrue(github.issues().stream().anyMatch(i -> i.path("title").asText().startsWith("10 more devices down since")),
                    github.issues().toString());
            assertTrue(github.issues().stream().allMatch(i -> "open".equals(i.path("state").asText())));

            clock.set(RESOLVED_WINDOW_DUE.minusSeconds(4));
            gatherAll(deliver, resolved);
            assertEquals(1, slack.requests().size());
            String resolvedWindow = windowMessage();
            clock.set(RESOLVED_WINDOW_DUE.plusSeconds(60 - 3));
            assertNull(NotifyCall.deliver(deliver, resolvedWindow, lines), () -> String.join("\n", lines));
            assertEquals(1, slack.requests().size(), "the resolve digest is held open too");
            String resolvedRelease = windowMessage();
            clock.set(RESOLVED_WINDOW_DUE.plusSeconds(60 + 1));
            assertNull(NotifyCall.deliver(deliver, resolvedRelease, lines), () -> String.join("\n", lines));

            assertEquals(2, slack.requests().size(), "one digest resolve");
            String back = NotifyEndToEndTest.slackText(slack.requests().get(1));
            assertTrue(back.contains("[Heartwatch] 20 devices back"), back);
            assertTrue(back.contains("d07  back at 2026-12-01T10:52:03.765432100Z, alert fired at 2026-12-01T10:06:12.123456700Z"), back);
            assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, github.issues().size(), "never two issues for one outage");
            for (ObjectNode i : github.issues()) {
                assertEquals("closed", i.path("state").asText(), i.path("title").asText());
            }
            // Each own issue gets its figures, the shared one comment for its 10.
            assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, github.comments().size(), github.comments().toString());

            // Every queue message again, twice (the action group's retry, the queue's redelivery): nothing is sent twice.
            int slackBefore = slack.requests().size();
            int githubBefore = gh.requests().size();
            for (int copy = 0; copy < 2; copy++) {
                for (String m : fired) {
                    assertNull(NotifyCall.deliver(deliver, m, lines), () -> String.join("\n", lines));
                }
                for (String m : resolved) {
                    assertNull(NotifyCall.deliver(deliver, m, lines), () -> String.join("\n", lines));
                }
                for (String w : List.of(firedWindow, firedRelease, resolvedWindow, resolvedRelease)) {
                    assertNull(NotifyCall.deliver(deliver, w, lines), () -> String.join("\n", lines));
                }
            }
            assertEquals(slackBefore, slack.requests().size(), "Slack got a repeat");
            assertEquals(githubBefore, gh.requests().size(), "GitHub got a request for a repeat");
            assertEquals(List.of(), queue.peek(Notify.QUEUE), "a repeat schedules no second window");
            assertTrue(lines.stream().anyMatch(l -> l.contains("in-its-window")), "the repeats found their window planned");
        }
    }

    @Test
    void foldedChecksStayFoldedInADigestAndTheirAgentNamesThem() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDelivery d = delivery("digestFolded", slack, gh);
            NotifyDeliver deliver = new NotifyDeliver(() -> d);
            List<String> devices = new ArrayList<>(HUB_CHECKS); // the checks' alerts first: the lines decide, not the order
            devices.add("hub");
            devices.addAll(devices("d", 5));
            gatherAll(deliver, queued("log-search-v2-fired.json", devices, 600));
            assertTrue(lines.stream().anyMatch(l -> l.contains("folded")), lines.toString());
            String window = windowMessage();
            clock.set(SECOND_WINDOW_DUE.minusSeconds(3));
            assertNull(NotifyCall.deliver(deliver, window, lines), () -> String.join("\n", lines));
            assertEquals(0, slack.requests().size(), "held open for the next evaluation");
            clock.set(SECOND_WINDOW_DUE.plusSeconds(1));
            assertNull(NotifyCall.deliver(deliver, windowMessage(), lines), () -> String.join("\n", lines));
            assertEquals(1, slack.requests().size(), "hub and 5 devices: 6, past digestAfter (5), one digest");
            String down = NotifyEndToEndTest.slackText(slack.requests().get(0));
            assertTrue(down.contains("[Heartwatch] 6 devices down"), down);
            assertTrue(down.contains("hub  alert fired at 2026-12-01T10:06:12.123456700Z; 3 checks behind it unknown"), down);
            for (String c : HUB_CHECKS) {
                assertFalse(down.contains(c), "a folded check is not a member of its own: " + down);
            }
            assertEquals(6, github.issues().size(), "one issue per outage, the checks' in their agent's");
        }
    }

    @Test
    void threeDevicesAreThreeSingleMessages() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDelivery d = delivery("digestThree", slack, gh);
            NotifyDeliver deliver = new NotifyDeliver(() -> d);
            List<String> devices = devices("s", 3);
            gatherAll(deliver, queued("log-search-v2-fired.json", devices, 400));
            String window = windowMessage();
            clock.set(FIRED_WINDOW_DUE.plusSeconds(1));
            assertNull(NotifyCall.deliver(deliver, window, lines), () -> String.join("\n", lines));
            assertEquals(3, slack.requests().size(), "3 devices are below digestAfter (5): one message each");
            List<String> subjects = new ArrayList<>();
            for (FakeService.Request r : slack.requests()) {
                String text = NotifyEndToEndTest.slackText(r);
                assertFalse(text.contains("devices down"), text);
                assertTrue(text.contains("Last heartbeat:   2026-12-01T10:00:00Z"), "a single's own figures: " + text);
                subjects.add(text.substring(0, text.indexOf('\n') < 0 ? text.length() : text.indexOf('\n')));
            }
            for (String dev : devices) {
                assertTrue(subjects.stream().anyMatch(s -> s.contains("DOWN: " + dev)), dev + " in " + subjects);
            }
            assertEquals(3, github.issues().size());
            assertNull(NotifyCall.deliver(deliver, window, lines));
            assertEquals(3, slack.requests().size());
        }
    }

    @Test
    void aLeaderKilledBetweenPlanningAndSendingIsCompletedByTheRetryWithoutDuplicates() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDelivery d = delivery("digestKilled", slack, gh);
            NotifyDeliver deliver = new NotifyDeliver(() -> d);
            List<String> devices = devices("d", 8);
            gatherAll(deliver, queued("log-search-v2-fired.json", devices, 500));
            String window = windowMessage();
            clock.set(SECOND_WINDOW_DUE.minusSeconds(3));
            d.afterPlan = () -> {
                throw new IllegalStateException("killed after its plan was fixed");
            };
            RuntimeException killed = NotifyCall.deliver(deliver, window, lines);
            assertInstanceOf(IllegalStateException.class, killed);
            assertEquals(0, slack.requests().size());
            assertEquals(0, gh.requests().size());

            // A device that comes now is late for the planned window: it goes alone, not into the digest.
            String late = queued("log-search-v2-fired.json", List.of("s1"), 590).get(0);
            assertNull(NotifyCall.deliver(deliver, late, lines), () -> String.join("\n", lines));
            assertEquals(1, slack.requests().size());
            assertTrue(NotifyEndToEndTest.slackText(slack.requests().get(0)).contains("DOWN: s1"));

            d.afterPlan = () -> { };
            clock.advance(java.time.Duration.ofSeconds(30)); // the queue's visibilityTimeout: the host's retry
            assertNull(NotifyCall.deliver(deliver, window, lines), () -> String.join("\n", lines));
            assertEquals(1, slack.requests().size(), "the digest is held open for 10:07's window, led by the killed plan");
            String release = windowMessage();
            assertNull(NotifyCall.deliver(deliver, release, lines), () -> String.join("\n", lines));
            assertEquals(2, slack.requests().size());
            String digest = NotifyEndToEndTest.slackText(slack.requests().get(1));
            assertTrue(digest.contains("[Heartwatch] 8 devices down"), digest);
            assertFalse(digest.contains("s1"), "the late device is not in the digest: " + digest);
            assertEquals(8 + 1, github.issues().size(), "8 in the digest (own issues, under 10) and the late one");
            int githubRequests = gh.requests().size();
            assertNull(NotifyCall.deliver(deliver, window, lines));
            assertNull(NotifyCall.deliver(deliver, release, lines));
            assertEquals(2, slack.requests().size());
            assertEquals(List.of(), queue.peek(Notify.QUEUE), "a retried plan leads 10:07 once");
            assertEquals(githubRequests, gh.requests().size());
            assertNotNull(lines);
        }
    }

    // A storm across two evaluations: devices that went silent together cross the threshold in two
    // consecutive minutes. The server keeps its digest open for the second evaluation
    // (AggregationPolicy, point 2); so does Azure: window 10:06 holds its digest when window 10:07 has
    // begun gathering, and 10:07's plan sends it with its own alerts of the condition.

    static final String SECOND_FIRED = "2026-12-01T10:07:09.1234567Z";
    static final Instant SECOND_WINDOW_DUE = Instant.parse("2026-12-01T10:08:01Z");
    static final long FIRST_MINUTE = DigestWindows.minuteOf(Instant.parse("2026-12-01T10:06:00Z"));

    /** Notify's queue messages for devices Azure fired one evaluation later, at 10:07:09 (window 10:07). */
    static List<String> queuedSecond(List<String> devices, int base) throws Exception {
        Notify notify = new Notify();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            String p = CheckFoldingEndToEndTest.payload("log-search-v2-fired.json", devices.get(i), base + i);
            assertTrue(p.contains("2026-12-01T10:06:12.1234567Z"), "the payload's firedDateTime moved");
            NotifyCall.Result r = NotifyCall.post(notify, p.replace("2026-12-01T10:06:12.1234567Z", SECOND_FIRED));
            assertEquals(202, r.status());
            out.add(r.queued());
        }
        return out;
    }

    void gatherEach(NotifyDeliver deliver, List<String> messages) {
        for (String m : messages) {
            assertNull(NotifyCall.deliver(deliver, m, lines), () -> String.join("\n", lines));
        }
        assertTrue(lines.get(lines.size() - 1).contains("gathering"), lines.get(lines.size() - 1));
    }

    /** Both windows' messages once visible, by minute: 10:06 first. */
    static List<String> twoWindowMessages() throws Exception {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 100 && taken.size() < 2; i++) {
            Thread.sleep(200);
            taken.addAll(queue.take(Notify.QUEUE));
        }
        assertEquals(2, taken.size(), "one message per window: " + taken);
        taken.sort(java.util.Comparator.naturalOrder()); // {"v":1,"window":<minute>}: same length, so by minute
        assertEquals(DigestWindows.windowMessage(FIRST_MINUTE), taken.get(0));
        assertEquals(DigestWindows.windowMessage(FIRST_MINUTE + 1), taken.get(1));
        return taken;
    }

    static long count(List<String> texts, String part) {
        return texts.stream().filter(t -> t.contains(part)).count();
    }

    static List<String> slackTexts(FakeService slack) throws Exception {
        List<String> out = new ArrayList<>();
        for (FakeService.Request r : slack.requests()) {
            out.add(NotifyEndToEndTest.slackText(r));
        }
        return out;
    }

    @Test
    void eightThenFourInTheNextEvaluationAreOneDigestOfTwelveAndALaterOneGoesAloneOnce() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDelivery d = delivery("digestTwoMinutes", slack, gh);
            NotifyDeliver deliver = new NotifyDeliver(() -> d);
            List<String> first = queued("log-search-v2-fired.json", devices("d", 8), 700);
            List<String> second = queuedSecond(devices("d", 12).subList(8, 12), 708);
            gatherEach(deliver, first);
            clock.set(SECOND_WINDOW_DUE.minusSeconds(4)); // the next evaluation's alerts, before window 10:06 is planned
            gatherEach(deliver, second);
            List<String> windows = twoWindowMessages();

            clock.set(SECOND_WINDOW_DUE.minusSeconds(2));
            assertNull(NotifyCall.deliver(deliver, windows.get(0), lines), () -> String.join("\n", lines));
            assertEquals(0, slack.requests().size(), "window 10:06's digest is held open for 10:07: " + lines);
            assertEquals(0, gh.requests().size());
            assertTrue(lines.get(lines.size() - 1).contains("held-for-window-" + (FIRST_MINUTE + 1)), lines.get(lines.size() - 1));
            assertEquals(List.of(), queue.peek(Notify.QUEUE), "holding puts no message: 10:07 has its own");

            clock.set(SECOND_WINDOW_DUE.plusSeconds(1));
            assertNull(NotifyCall.deliver(deliver, windows.get(1), lines), () -> String.join("\n", lines));
            List<String> texts = slackTexts(slack);
            assertEquals(1, texts.size(), "one digest, no singles: " + texts);
            String down = texts.get(0);
            assertTrue(down.contains("[Heartwatch] 12 devices down"), down);
            for (String dev : devices("d", 8)) {
                assertTrue(down.contains(dev + "  alert fired at 2026-12-01T10:06:12.123456700Z"), dev + " in " + down);
            }
            for (String dev : devices("d", 12).subList(8, 12)) {
                assertTrue(down.contains(dev + "  alert fired at 2026-12-01T10:07:09.123456700Z"), dev + " in " + down);
            }
            assertTrue(down.contains("Window:       2026-12-01T10:06:00Z to 2026-12-01T10:08:00Z"), down);
            assertEquals(0, count(texts, "DOWN: "));
            assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, github.issues().size(), "10 own issues and one for the 2 more");
            assertTrue(github.issues().stream().anyMatch(i -> i.path("title").asText().startsWith("2 more devices down since")),
                    github.issues().toString());

            // One more of 10:07 after its window was planned: too late for the storm, it goes alone.
            String late = queuedSecond(List.of("s1"), 790).get(0);
            assertNull(NotifyCall.deliver(deliver, late, lines), () -> String.join("\n", lines));
            texts = slackTexts(slack);
            assertEquals(2, texts.size(), texts.toString());
            assertTrue(texts.get(1).contains("DOWN: s1"), texts.get(1));
            assertFalse(texts.get(0).contains("s1"));

            // Every message again, twice: nothing more is sent, nothing more is scheduled.
            int slackBefore = slack.requests().size();
            int githubBefore = gh.requests().size();
            for (int copy = 0; copy < 2; copy++) {
                List<String> all = new ArrayList<>(first);
                all.addAll(second);
                all.add(late);
                all.addAll(windows);
                for (String m : all) {
                    assertNull(NotifyCall.deliver(deliver, m, lines), () -> String.join("\n", lines));
                }
            }
            assertEquals(slackBefore, slack.requests().size(), "Slack got a repeat: " + slackTexts(slack));
            assertEquals(githubBefore, gh.requests().size(), "GitHub got a request for a repeat");
            assertEquals(List.of(), queue.peek(Notify.QUEUE));
        }
    }

    @Test
    void theNextWindowPlannedFirstWaitsForTheFirstThenTakesItsDigest() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDelivery d = delivery("digestTwoMinutesReversed", slack, gh);
            NotifyDeliver deliver = new NotifyDeliver(() -> d);
            gatherEach(deliver, queued("log-search-v2-fired.json", devices("d", 8), 800));
            clock.set(SECOND_WINDOW_DUE.minusSeconds(4));
            gatherEach(deliver, queuedSecond(devices("d", 12).subList(8, 12), 808));
            List<String> windows = twoWindowMessages();

            // The queue keeps no order: 10:07 first, while 10:06 (led, unplanned) may still hold a digest for it.
            clock.set(SECOND_WINDOW_DUE.plusSeconds(1));
            RuntimeException waits = NotifyCall.deliver(deliver, windows.get(1), lines);
            assertInstanceOf(NotifyDelivery.Retry.class, waits, () -> String.join("\n", lines));
            assertTrue(waits.getMessage().contains("waits for window " + FIRST_MINUTE), waits.getMessage());
            assertEquals(0, slack.requests().size());

            assertNull(NotifyCall.deliver(deliver, windows.get(0), lines), () -> String.join("\n", lines));
            assertEquals(0, slack.requests().size(), "10:07 is closed and being planned: it takes 10:06's digest");
            clock.advance(java.time.Duration.ofSeconds(30)); // the queue's visibilityTimeout
            assertNull(NotifyCall.deliver(deliver, windows.get(1), lines), () -> String.join("\n", lines));
            List<String> texts = slackTexts(slack);
            assertEquals(1, texts.size(), texts.toString());
            assertTrue(texts.get(0).contains("[Heartwatch] 12 devices down"), texts.get(0));
            for (String w : windows) {
                assertNull(NotifyCall.deliver(deliver, w, lines), () -> String.join("\n", lines));
            }
            assertEquals(1, slack.requests().size());
        }
    }

    @Test
    void threeThenThreeInTheNextEvaluationAreSixSingles() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDelivery d = delivery("digestThreeAndThree", slack, gh);
            NotifyDeliver deliver = new NotifyDeliver(() -> d);
            gatherEach(deliver, queued("log-search-v2-fired.json", devices("s", 3), 900));
            clock.set(SECOND_WINDOW_DUE.minusSeconds(4));
            gatherEach(deliver, queuedSecond(devices("d", 3), 903));
            List<String> windows = twoWindowMessages();
            clock.set(SECOND_WINDOW_DUE.minusSeconds(2));
            assertNull(NotifyCall.deliver(deliver, windows.get(0), lines), () -> String.join("\n", lines));
            assertEquals(3, slack.requests().size(), "no digest in 10:06: its 3 go at once, as alone");
            clock.set(SECOND_WINDOW_DUE.plusSeconds(1));
            assertNull(NotifyCall.deliver(deliver, windows.get(1), lines), () -> String.join("\n", lines));
            List<String> texts = slackTexts(slack);
            assertEquals(6, texts.size(), "3 and 3 are below digestAfter (5) in each evaluation, as on the server: " + texts);
            for (String dev : List.of("s1", "s2", "s3", "d01", "d02", "d03")) {
                assertEquals(1, count(texts, "DOWN: " + dev), dev + " in " + texts);
            }
            assertEquals(0, count(texts, "devices down"));
        }
    }

    @Test
    void aLoneAlertIsPlannedAtItsMinutesEndPlusTheGatherTimeAsBefore() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(ca.client()).build();
        StateTable table = new StateTable(azurite.endpoint(), "digestLone", TestTokens.of(Instant.now()), http,
                java.time.Duration.ofSeconds(5));
        queue.create("digest-lone"); // its own queue: its messages do not come back to the other tests' hosts
        StorageQueue storage = new StorageQueue(queue.endpoint(), "digest-lone", TestTokens.of(Instant.now()), http,
                java.time.Duration.ofSeconds(5));
        List<String> puts = new ArrayList<>();
        AlertQueue recording = (message, delay) -> {
            puts.add(message + " " + delay);
            storage.put(message, delay);
        };
        DigestWindows windows = new DigestWindows(table, recording, java.time.Duration.ofSeconds(1), 5, clock);
        for (String m : queued("log-search-v2-fired.json", devices("s", 3), 950)) {
            assertEquals(DigestWindows.Gathered.GATHERING, windows.gather(AlertNotice.fromQueueMessage(m), true, List.of()));
        }
        assertEquals(List.of(DigestWindows.windowMessage(FIRST_MINUTE) + " PT4S"), puts,
                "10:06's message: due 10:07:01, four seconds from now, as before");
        clock.set(Instant.parse("2026-12-01T10:07:30Z"));
        DigestWindows.Window w = windows.plan(DigestWindows.windowMessage(FIRST_MINUTE));
        assertEquals(3, w.messages().size());
        assertTrue(w.messages().stream().allMatch(p -> p instanceof DigestWindows.Alone), w.toString());
        assertEquals(1, puts.size(), "no digest, nothing held: no message for 10:07");
        String lone = queuedSecond(List.of("d01"), 960).get(0);
        clock.set(Instant.parse("2026-12-01T10:07:40Z"));
        assertEquals(DigestWindows.Gathered.GATHERING, windows.gather(AlertNotice.fromQueueMessage(lone), true, List.of()));
        assertEquals(DigestWindows.windowMessage(FIRST_MINUTE + 1) + " PT21S", puts.get(1),
                "a lone alert of 10:07 is planned at 10:08:01, its minute's end plus the gather time: " + puts);
        assertEquals(2, puts.size());
        assertEquals(windows.dueAt(FIRST_MINUTE + 1), clock.instant().plusSeconds(21));
    }
}
