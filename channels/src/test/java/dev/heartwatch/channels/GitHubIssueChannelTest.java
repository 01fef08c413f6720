package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartwatch.channels.support.Alerts;
import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.FakeService.Request;
import dev.heartwatch.channels.support.MemoryThreadState;
import dev.heartwatch.channels.support.TestCa;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub issue channel against a fake of the REST API's issues endpoints that keeps its
 * issues (docs.github.com/rest/issues/issues: list, create 201 with {@code number}, update;
 * rest/issues/comments: create 201 with {@code id}): one issue per outage, never two.
 */
class GitHubIssueChannelTest {
    static final String TOKEN = "github_pat_0123456789abcdef";
    static final Instant NOW = Instant.parse("2026-12-01T10:06:00Z");

    @TempDir
    static Path dir;
    static TestCa ca;
    FakeService github;
    final FakeGitHub fake = new FakeGitHub(TOKEN);
    MemoryThreadState threads;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(dir);
    }

    @BeforeEach
    void start() throws Exception {
        github = new FakeService(ca, this::answer);
        threads = new MemoryThreadState();
    }

    @AfterEach
    void stop() {
        github.close();
    }

    Answer answer(Request r) {
        return fake.answer(r);
    }

    GitHubIssueChannel channel(MemoryThreadState state) {
        return new GitHubIssueChannel(github.base(), "acme/net", TOKEN, state,
                new ChannelHttp(ca.client(), Duration.ofSeconds(2), Clock.fixed(NOW, ZoneOffset.UTC), List.of(TOKEN)));
    }

    @Test
    void aDownOpensOneLabelledIssueNamingTheDeviceAndTheStart() {
        assertInstanceOf(DeliveryResult.Delivered.class, channel(threads).deliver(Alerts.down("pi")));
        assertEquals(1, fake.issues().size());
        JsonNode issue = fake.issues().get(0);
        assertEquals("pi down since 2026-12-01 10:00 UTC", issue.path("title").asText());
        assertEquals("[\"heartwatch\"]", issue.path("labels").toString());
        assertEquals(List.of(1L), List.of(threads.get("github:acme/net:thread-pi").orElseThrow()));
    }

    @Test
    void aRetryOfTheSameDownDoesNotOpenASecondIssue() {
        channel(threads).deliver(Alerts.down("pi"));
        assertInstanceOf(DeliveryResult.Delivered.class, channel(threads).deliver(Alerts.down("pi")));
        assertEquals(1, fake.issues().size());
    }

    @Test
    void aDownWhoseAnswerWasLostFindsItsIssueByTheMarkerInsteadOfOpeningAnother() {
        // GitHub opened the issue but the answer never came: nothing was recorded.
        github.answerOtherwise(r -> {
            Answer a = answer(r);
            return r.method().equals("POST") ? Answer.json(502, "{\"message\":\"Server Error\"}") : a;
        });
        assertInstanceOf(DeliveryResult.RetryLater.class, channel(threads).deliver(Alerts.down("pi")));
        github.answerOtherwise(this::answer);
        assertInstanceOf(DeliveryResult.Delivered.class, channel(threads).deliver(Alerts.down("pi")));
        assertEquals(1, fake.issues().size(), "the marker found the issue opened by the lost attempt");
        assertEquals(1L, threads.get("github:acme/net:thread-pi").orElseThrow());
    }

    @Test
    void aLostAnswerIsFoundBehindALongListingOfOtherIssues() {
        for (int i = 0; i < 40; i++) {
            fake.open("other-" + i + " down since 2026-11-30 10:00 UTC", "x".repeat(4_000));
        }
        github.answerOtherwise(r -> {
            Answer a = answer(r);
            return r.method().equals("POST") ? Answer.json(502, "{}") : a;
        });
        channel(threads).deliver(Alerts.down("pi"));
        for (int i = 0; i < 5; i++) {
            fake.open("later-" + i, "y".repeat(4_000));
        }
        github.answerOtherwise(this::answer);
        assertInstanceOf(DeliveryResult.Delivered.class, channel(threads).deliver(Alerts.down("pi")));
        assertEquals(46, fake.issues().size(), "found in a listing of about 180 KB, not opened again");
    }

    @Test
    void aResolvedCommentsWithTheFiguresAndClosesTheIssue() {
        channel(threads).deliver(Alerts.down("pi"));
        assertInstanceOf(DeliveryResult.Delivered.class, channel(threads).deliver(Alerts.resolved("pi")));
        assertEquals(1, fake.issues().size());
        assertEquals("closed", fake.issues().get(0).path("state").asText());
        assertEquals(1, fake.comments().size());
        assertTrue(fake.comments().get(0).startsWith("1: "), fake.comments().get(0));
        assertTrue(fake.comments().get(0).contains("41m 20s"), fake.comments().get(0));
    }

    @Test
    void aResolvedWhoseCloseFailedIsRetriedWithoutASecondComment() {
        channel(threads).deliver(Alerts.down("pi"));
        github.answerOtherwise(r -> r.method().equals("PATCH") ? Answer.json(500, "{}") : answer(r));
        assertInstanceOf(DeliveryResult.RetryLater.class, channel(threads).deliver(Alerts.resolved("pi")));
        github.answerOtherwise(this::answer);
        assertInstanceOf(DeliveryResult.Delivered.class, channel(threads).deliver(Alerts.resolved("pi")));
        assertEquals(1, fake.comments().size());
        assertEquals("closed", fake.issues().get(0).path("state").asText());
    }

    @Test
    void aResolvedWhoseDownNeverOpenedAnIssueOpensOneSaysSoAndClosesIt() {
        assertInstanceOf(DeliveryResult.Delivered.class, channel(threads).deliver(Alerts.resolved("pi")));
        assertEquals(1, fake.issues().size());
        assertTrue(fake.issues().get(0).path("body").asText().contains("never opened an issue"), fake.issues().get(0).toString());
        assertEquals("closed", fake.issues().get(0).path("state").asText());
        assertEquals(1, fake.comments().size());
    }

    @Test
    void aRestartWithItsRecordFindsTheIssueAndAFreshRecordFindsItByMarker() {
        channel(threads).deliver(Alerts.down("pi"));
        // A channel made anew (a restart) with an empty state still finds the one issue.
        assertInstanceOf(DeliveryResult.Delivered.class, channel(new MemoryThreadState()).deliver(Alerts.resolved("pi")));
        assertEquals(1, fake.issues().size());
        assertEquals("closed", fake.issues().get(0).path("state").asText());
    }

    @Test
    void thePrimaryRateLimitWaitsUntilItsReset() {
        long reset = NOW.plusSeconds(600).getEpochSecond();
        github.answerOtherwise(r -> Answer.of(403, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset),
                "Content-Type", "application/json"), "{\"message\":\"API rate limit exceeded\"}"));
        DeliveryResult.RetryLater r = assertInstanceOf(DeliveryResult.RetryLater.class, channel(threads).deliver(Alerts.down("pi")));
        assertEquals(Duration.ofSeconds(600), r.after());
    }

    @Test
    void aSecondaryRateLimitWaitsItsRetryAfter() {
        github.answerOtherwise(r -> Answer.of(403, Map.of("retry-after", "60", "Content-Type", "application/json"),
                "{\"message\":\"You have exceeded a secondary rate limit\"}"));
        DeliveryResult.RetryLater r = assertInstanceOf(DeliveryResult.RetryLater.class, channel(threads).deliver(Alerts.down("pi")));
        assertEquals(Duration.ofSeconds(60), r.after());
    }

    @Test
    void aForbiddenWithoutRateLimitIsPermanentAndHidesTheToken() {
        github.answerOtherwise(r -> Answer.json(403, "{\"message\":\"Resource not accessible by personal access token " + TOKEN + "\"}"));
        DeliveryResult.Permanent p = assertInstanceOf(DeliveryResult.Permanent.class, channel(threads).deliver(Alerts.down("pi")));
        assertFalse(p.reason().contains(TOKEN));
    }

    @Test
    void aHostileDeviceTextCannotMentionOrLinkInTheIssue() {
        channel(threads).deliver(Alerts.down("pi", "@octocat [x](http://evil) <img src=x>"));
        String body = fake.issues().get(0).path("body").asText();
        assertFalse(body.contains("@octocat"), body);
        assertFalse(body.contains("[x](http://evil)"), body);
        assertTrue(body.contains("\\<img"), "the tag is escaped, shown as text: " + body);
    }
}
