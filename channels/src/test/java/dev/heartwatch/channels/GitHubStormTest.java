package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartwatch.channels.support.Alerts;
import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.MemoryThreadState;
import dev.heartwatch.channels.support.TestCa;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm (a digest) on the GitHub channel keeps "one issue per outage, never two": its first
 * {@link GitHubIssueChannel#STORM_ISSUES} outages get an issue each, the rest share one storm
 * issue that is closed when the last of them is back; a retry resumes without a second issue.
 * Against the REST fake (docs.github.com/rest/issues/issues, rest/issues/comments).
 */
class GitHubStormTest {
    static final String TOKEN = "github_pat_0123456789abcdef";
    static final Instant NOW = Instant.parse("2026-12-01T10:06:00Z");
    static final int STORM = GitHubIssueChannel.STORM_ISSUES + 3;

    @TempDir
    static Path dir;
    static TestCa ca;
    FakeService github;
    final FakeGitHub fake = new FakeGitHub(TOKEN);
    final MemoryThreadState threads = new MemoryThreadState();
    /** POSTs to refuse with a 502 (a GitHub hiccup), counted down. */
    final AtomicInteger failAfter = new AtomicInteger(-1);

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(dir);
    }

    @BeforeEach
    void start() throws Exception {
        github = new FakeService(ca, r -> {
            if (r.method().equals("POST") && failAfter.getAndDecrement() == 0) {
                return Answer.json(502, "{\"message\":\"Server Error\"}");
            }
            return fake.answer(r);
        });
    }

    @AfterEach
    void stop() {
        github.close();
    }

    GitHubIssueChannel channel() {
        return new GitHubIssueChannel(github.base(), FakeGitHub.REPO, TOKEN, threads,
                new ChannelHttp(ca.client(), Duration.ofSeconds(20), Clock.fixed(NOW, ZoneOffset.UTC), List.of(TOKEN)));
    }

    static List<String> devices() {
        return IntStream.range(0, STORM).mapToObj(i -> String.format("dev%02d", i)).toList();
    }

    static AlertMessage digest(boolean fired, List<AlertMessage> members) {
        List<String> names = members.stream().map(AlertMessage::device).toList();
        return new AlertMessage("digest-" + fired, "heartwatch-silence", "", fired, Alerts.FIRED_AT, fired ? null : Alerts.BACK_AT,
                null, null, 0, "many devices flipped together", "[Heartwatch] " + names.size() + " devices " + (fired ? "down" : "back"),
                "a storm", "digest:fired@" + Alerts.FIRED_AT, AlertMessage.Names.of(names, 50), AlertMessage.Names.NONE)
                .withMembers(members);
    }

    static AlertMessage stormDown() {
        return digest(true, devices().stream().map(Alerts::down).toList());
    }

    private long open() {
        return fake.issues().stream().filter(i -> i.path("state").asText().equals("open")).count();
    }

    @Test
    void aStormOpensAnIssuePerOutageUpToTheCapAndOneSharedIssueForTheRest() {
        assertTrue(channel().wantsDigestMembers());
        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(stormDown()));
        var issues = fake.issues();
        assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, issues.size(), "the cap, plus one for the rest");
        assertEquals("dev00 down since 2026-12-01 10:00 UTC", issues.get(0).path("title").asText());
        JsonNode shared = issues.get(GitHubIssueChannel.STORM_ISSUES);
        assertEquals("3 more devices down since 2026-12-01 10:00 UTC", shared.path("title").asText());
        String body = shared.path("body").asText();
        assertTrue(body.contains("dev10") && body.contains("dev11") && body.contains("dev12") && !body.contains("dev09"), body);

        // A repeat of the DOWN (a retry after a crash) opens nothing more.
        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(stormDown()));
        assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, fake.issues().size());

        // Each comes back on its own: its own issue is closed; the shared one only when its last outage is back.
        for (String d : devices()) {
            assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(Alerts.resolved(d)));
            boolean sharedOpen = fake.issues().get(GitHubIssueChannel.STORM_ISSUES).path("state").asText().equals("open");
            assertEquals(!d.equals("dev12"), sharedOpen, "after " + d);
        }
        assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, fake.issues().size(), "never a second issue for an outage");
        assertEquals(0, open());
        assertEquals(STORM, fake.comments().size(), "one comment per outage");
        int sharedNumber = shared.path("number").asInt();
        assertEquals(3, fake.comments().stream().filter(c -> c.startsWith(sharedNumber + ": ")).count());
    }

    @Test
    void aStormComingBackTogetherIsOneCommentOnTheSharedIssueAndClosesEverything() {
        channel().deliver(stormDown());
        AlertMessage back = digest(false, devices().stream().map(Alerts::resolved).toList());
        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(back));
        assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, fake.issues().size());
        assertEquals(0, open(), "all closed");
        assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, fake.comments().size(), "one per own issue, one on the shared issue");
        String sharedComment = fake.comments().get(fake.comments().size() - 1);
        assertTrue(sharedComment.contains("dev10") && sharedComment.contains("dev12") && sharedComment.contains("dns"), sharedComment);
        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(back));
        assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, fake.comments().size(), "a repeat comments nothing twice");
    }

    @Test
    void aFailureMidStormIsRetriedFromWhereItStoppedWithoutASecondIssue() {
        failAfter.set(4); // the fifth POST fails
        assertInstanceOf(DeliveryResult.RetryLater.class, channel().deliver(stormDown()));
        assertEquals(4, fake.issues().size());
        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(stormDown()));
        List<String> titles = new ArrayList<>();
        fake.issues().forEach(i -> titles.add(i.path("title").asText()));
        assertEquals(GitHubIssueChannel.STORM_ISSUES + 1, titles.size(), titles.toString());
        assertEquals(titles.size(), titles.stream().distinct().count(), "no outage twice: " + titles);
    }

    @Test
    void aStormBackWhoseDownOpenedNothingOpensAtMostTheCap() {
        AlertMessage back = digest(false, devices().stream().map(Alerts::resolved).toList());
        assertInstanceOf(DeliveryResult.Delivered.class, channel().deliver(back));
        assertEquals(GitHubIssueChannel.STORM_ISSUES, fake.issues().size(), "no more than the cap, each opened and closed");
        assertEquals(0, open());
    }
}
