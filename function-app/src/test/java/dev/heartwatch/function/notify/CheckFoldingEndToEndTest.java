package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.function.Notify;
import dev.heartwatch.function.NotifyDeliver;
import dev.heartwatch.channels.support.AzuriteService;
import dev.heartwatch.channels.support.MutableClock;
import dev.heartwatch.function.support.FakeWorkspace;
import dev.heartwatch.function.support.NotifyCall;
import dev.heartwatch.function.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Issue 17 §4 in Azure: an agent's checks going silent with it are one DOWN naming them, a
 * check down before its agent stays its own, and no check resolves merely because its agent
 * went down; each exactly once across duplicate deliveries. Against a REAL Azurite table (the
 * dedupe and the Folded records) and the fake workspace (Monitor Query's REST shape) holding the
 * lines, as {@link NotifyEndToEndTest}.
 *
 * <p>The lines: home and its checks home.disk, home.web, home.ntp (their beats name
 * {@code "parent":"home"}) beat every minute until 10:00:00 and again from 10:42:00; home.old,
 * also behind home, fell silent at 09:30:00, before its agent. Azure fires at 10:06:12 and
 * resolves at 10:52:03 (the payloads of src/test/resources/alerts).
 */
@Tag("full")
class CheckFoldingEndToEndTest {
    static final String GITHUB_TOKEN = "github_pat_check_folding_end_to_end_token_0123456789";
    static final List<String> CHECKS = List.of("home.disk", "home.web", "home.ntp");

    @TempDir
    static Path dir;
    static TestCa ca;
    static AzuriteService azurite;
    static FakeService workspaceService;

    FakeGitHub github = new FakeGitHub(GITHUB_TOKEN);
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:06:20Z"));
    List<String> lines = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create(dir);
        azurite = AzuriteService.start(AzuriteService.Kind.TABLE, dir, ca);
        FakeWorkspace workspace = new FakeWorkspace(TestTokens.LOGS_TOKEN);
        for (Instant t = Instant.parse("2026-12-01T09:00:00Z"); !t.isAfter(Instant.parse("2026-12-01T10:55:00Z"));
                t = t.plusSeconds(60)) {
            boolean silent = t.isAfter(Instant.parse("2026-12-01T10:00:00Z")) && t.isBefore(Instant.parse("2026-12-01T10:42:00Z"));
            if (silent) {
                continue;
            }
            workspace.add(beat(t, "home", null));
            for (String c : CHECKS) {
                workspace.add(beat(t, c, "home"));
            }
            if (!t.isAfter(Instant.parse("2026-12-01T09:30:00Z")) || t.isAfter(Instant.parse("2026-12-01T10:50:00Z"))) {
                workspace.add(beat(t, "home.old", "home"));
            }
        }
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

    static HeartbeatLine beat(Instant at, String device, String parent) {
        return new HeartbeatLine(at.toEpochMilli(), device, "running", "203.0.113.7", null, null, null, "1.0", parent,
                null, null, 0, null);
    }

    /** The log search alert V2 payload of {@code device}, with its own alert id. */
    static String payload(String name, String device, int n) throws Exception {
        String p = Files.readString(Path.of("src/test/resources/alerts/" + name), StandardCharsets.UTF_8);
        String q = p.replace("1b2c3d4e-0000-4000-8000-00000000000a", String.format("1b2c3d4e-0000-4000-8000-%012d", n))
                .replace("\"value\": \"pi\"", "\"value\": \"" + device + "\"");
        assertTrue(q.contains("\"value\": \"" + device + "\""), "the payload's device dimension was not replaced");
        return q;
    }

    NotifyDeliver deliverer(String table, FakeService slack, FakeService gh) {
        Map<String, String> s = new HashMap<>();
        s.put(NotifyConfig.WORKSPACE_ID, FakeWorkspace.ID);
        s.put(NotifyConfig.LOGS_ENDPOINT, workspaceService.base().toString());
        s.put(NotifyConfig.TABLE_ENDPOINT, azurite.endpoint().toString());
        s.put(NotifyConfig.TABLE, table);
        s.put(NotifyConfig.THRESHOLD, "PT5M");
        s.put(NotifyConfig.DIGEST_GATHER, "PT0S"); // each alert alone: digests are DigestEndToEndTest's
        s.put(NotifyConfig.LOGS_TIMEOUT, "PT2S");
        s.put("HEARTWATCH_SLACK_WEBHOOK_URL", slack.url("/services/T0/B0/check-folding-slack-secret").toString());
        s.put("HEARTWATCH_GITHUB_TOKEN", GITHUB_TOKEN);
        s.put("HEARTWATCH_GITHUB_REPO", FakeGitHub.REPO);
        s.put("HEARTWATCH_GITHUB_API_URL", gh.base().toString());
        s.put("HEARTWATCH_CHANNEL_TIMEOUT", "PT3S");
        NotifyDelivery d = NotifyConfig.delivery(s, TestTokens.of(Instant.now()), ca.client(), clock);
        return new NotifyDeliver(() -> d);
    }

    @Test
    void anAgentAndItsChecksFiringTogetherAreOneDownNamingThemAndOneResolvedExactlyOnce() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("foldTogether", slack, gh);
            Notify notify = new Notify();
            List<String> fired = new ArrayList<>();
            List<String> resolved = new ArrayList<>();
            // The checks' alerts first: the queue keeps no order, the lines decide.
            List<String> devices = List.of("home.disk", "home.web", "home", "home.ntp");
            for (int i = 0; i < devices.size(); i++) {
                fired.add(NotifyCall.post(notify, payload("log-search-v2-fired.json", devices.get(i), 100 + i)).queued());
                resolved.add(NotifyCall.post(notify, payload("log-search-v2-resolved.json", devices.get(i), 100 + i)).queued());
            }
            for (int copy = 0; copy < 2; copy++) { // every queue message twice: a duplicate delivery
                for (String m : fired) {
                    assertNull(NotifyCall.deliver(deliver, m, lines), lines.toString());
                }
            }
            assertEquals(1, slack.requests().size(), "one DOWN for the agent and its 3 checks");
            String down = NotifyEndToEndTest.slackText(slack.requests().get(0));
            assertTrue(down.contains("DOWN: home (3 checks behind it unknown)"), down);
            for (String c : CHECKS) {
                assertTrue(down.contains(c), down);
            }
            assertFalse(down.contains("home.old"), "home.old was down before its agent: " + down);
            assertEquals(1, github.issues().size());

            clock.set(Instant.parse("2026-12-01T10:52:10Z"));
            for (int copy = 0; copy < 2; copy++) {
                for (String m : resolved) {
                    assertNull(NotifyCall.deliver(deliver, m, lines), lines.toString());
                }
            }
            assertEquals(2, slack.requests().size(), "one RESOLVED for the agent and its checks");
            String back = NotifyEndToEndTest.slackText(slack.requests().get(1));
            assertTrue(back.contains("RESOLVED: home"), back);
            assertTrue(back.contains("3 checks behind it back too"), back);
            for (String c : CHECKS) {
                assertTrue(back.contains(c), back);
            }
            assertEquals(1, github.issues().size());
            assertEquals("closed", github.issues().get(0).path("state").asText());
        }
    }

    @Test
    void aCheckDownBeforeItsAgentStaysItsOwn() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("foldOwn", slack, gh);
            Notify notify = new Notify();
            String old = NotifyCall.post(notify, payload("log-search-v2-fired.json", "home.old", 200)).queued();
            String home = NotifyCall.post(notify, payload("log-search-v2-fired.json", "home", 201)).queued();
            assertNull(NotifyCall.deliver(deliver, home, lines));
            assertNull(NotifyCall.deliver(deliver, old, lines));
            assertEquals(2, slack.requests().size(), "the agent's DOWN and home.old's own");
            String own = NotifyEndToEndTest.slackText(slack.requests().get(1));
            assertTrue(own.contains("DOWN: home.old"), own);
            assertFalse(own.contains("behind it"), own);
        }
    }

    @Test
    void aChecksResolvedWhileItsAgentIsDownIsHeldNotSent() throws Exception {
        try (FakeService slack = new FakeService(ca, r -> Answer.of(200, Map.of(), "ok"));
             FakeService gh = new FakeService(ca, github::answer)) {
            NotifyDeliver deliver = deliverer("foldHeld", slack, gh);
            Notify notify = new Notify();
            // A Resolved of home.disk while home is silent (10:30: between its last beat and its return).
            String resolved = NotifyCall.post(notify, payload("log-search-v2-resolved.json", "home.disk", 300)).queued()
                    .replace("2026-12-01T10:52:03", "2026-12-01T10:30:00");
            clock.set(Instant.parse("2026-12-01T10:30:10Z"));
            RuntimeException held = NotifyCall.deliver(deliver, resolved, lines);
            assertInstanceOf(NotifyDelivery.Retry.class, held, "held for the queue to offer again: " + lines);
            assertTrue(held.getMessage().contains("home"), held.getMessage());
            assertEquals(0, slack.requests().size(), "no false RESOLVED");
        }
    }
}
