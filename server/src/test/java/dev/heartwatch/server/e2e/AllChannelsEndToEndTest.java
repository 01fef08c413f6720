package dev.heartwatch.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.core.rule.DeviceStatus;
import dev.heartwatch.server.support.Await;
import dev.heartwatch.server.support.ChildProcess;
import dev.heartwatch.server.support.Clients;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's "done when", end to end: the real agent jar and the real server with every channel
 * configured at once (SMTP to GreenMail; the generic webhook, Slack, Discord, Teams, Telegram,
 * ntfy, Pushover and GitHub issues to HTTPS fakes on 127.0.0.1 that answer as each service
 * documents). kill -9 of the agent, then a restart, gives exactly one DOWN and one RESOLVED on
 * each channel, and every RESOLVED carries the outage's start, end, duration and cause.
 * Thresholds in seconds.
 */
@Tag("full")
class AllChannelsEndToEndTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final String DEVICE = "e2e-agent";
    static final String GITHUB_TOKEN = "github_pat_e2e0123456789abcdef0123456789";
    static final String TELEGRAM_TOKEN = "123456789:AAHe2esecretsecretsecretsecret_x";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path caDir;
    static TestCa ca;

    @TempDir
    Path dir;

    final Map<String, FakeService> fakes = new LinkedHashMap<>();
    final FakeGitHub issues = new FakeGitHub(GITHUB_TOKEN);

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(caDir);
    }

    @BeforeEach
    void startFakes() throws IOException {
        // Each answer is the service's documented success:
        // Azure action group webhooks take any 2xx (learn.microsoft.com/azure/azure-monitor/alerts/action-groups#webhook).
        fakes.put("webhook", new FakeService(ca, r -> Answer.of(200, Map.of(), "")));
        // Slack incoming webhooks: 200 "ok" (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
        fakes.put("slack", new FakeService(ca, r -> Answer.of(200, Map.of("Content-Type", "text/plain"), "ok")));
        // Discord execute webhook without ?wait: 204 No Content (discord.com/developers/docs/resources/webhook#execute-webhook).
        fakes.put("discord", new FakeService(ca, r -> Answer.of(204, Map.of(), "")));
        // Teams Workflows' "when a webhook request is received" trigger: 202 Accepted.
        fakes.put("teams", new FakeService(ca, r -> Answer.of(202, Map.of(), "")));
        // Telegram sendMessage: {"ok":true,"result":Message} (core.telegram.org/bots/api#making-requests).
        fakes.put("telegram", new FakeService(ca, r -> Answer.json(200,
                "{\"ok\":true,\"result\":{\"message_id\":7,\"chat\":{\"id\":-100200,\"type\":\"supergroup\"},\"date\":1764583560}}")));
        // ntfy publish: the message as JSON (docs.ntfy.sh/publish/).
        fakes.put("ntfy", new FakeService(ca, r -> Answer.json(200,
                "{\"id\":\"sPs71M8A2T\",\"time\":1764583560,\"event\":\"message\",\"topic\":\"heartwatch-e2e\"}")));
        // Pushover messages.json: {"status":1,"request":...} (pushover.net/api#response).
        fakes.put("pushover", new FakeService(ca, r -> Answer.json(200,
                "{\"status\":1,\"request\":\"647d2300-702c-4b38-8b2f-d56326ae460b\"}")));
        // GitHub's REST issues API, as FakeGitHub documents it.
        fakes.put("github", new FakeService(ca, issues::answer));
    }

    @AfterEach
    void stopFakes() {
        fakes.values().forEach(FakeService::close);
    }

    private Map<String, String> settings() {
        Map<String, String> m = new HashMap<>(Mailbox.smtp(greenMail));
        m.put("HEARTWATCH_WEBHOOK_URL", fakes.get("webhook").url("/alerts/heartwatch").toString());
        m.put("HEARTWATCH_SLACK_WEBHOOK_URL", fakes.get("slack").url("/services/T0/B0/e2ehooksecret0123456789").toString());
        m.put("HEARTWATCH_DISCORD_WEBHOOK_URL", fakes.get("discord").url("/api/webhooks/1/e2ehooksecret0123456789").toString());
        m.put("HEARTWATCH_TEAMS_WEBHOOK_URL", fakes.get("teams").url("/workflows/e2e/triggers/manual/paths/invoke").toString());
        m.put("HEARTWATCH_TELEGRAM_TOKEN", TELEGRAM_TOKEN);
        m.put("HEARTWATCH_TELEGRAM_CHAT_ID", "-100200");
        m.put("HEARTWATCH_TELEGRAM_API_URL", fakes.get("telegram").base().toString());
        m.put("HEARTWATCH_NTFY_URL", fakes.get("ntfy").url("/heartwatch-e2e").toString());
        m.put("HEARTWATCH_PUSHOVER_TOKEN", "azGDORePK8gMaC0QOYAMyEEuzJnyUi");
        m.put("HEARTWATCH_PUSHOVER_USER", "uQiRzpo4DXghDmr9QzzfQu27cmVRsG");
        m.put("HEARTWATCH_PUSHOVER_API_URL", fakes.get("pushover").base().toString());
        m.put("HEARTWATCH_GITHUB_TOKEN", GITHUB_TOKEN);
        m.put("HEARTWATCH_GITHUB_REPO", FakeGitHub.REPO);
        m.put("HEARTWATCH_GITHUB_API_URL", fakes.get("github").base().toString());
        // The default channel timeout (PT10S): a shorter one cut a first TLS handshake on a loaded
        // machine, and a cut attempt is tried again, so the fake saw the DOWN twice.
        return m;
    }

    private ChildProcess agent(RunningServer s, String name) throws Exception {
        return ChildProcess.start(List.of(ChildProcess.java(), "-jar", Clients.agentJar().toAbsolutePath().toString()),
                Map.of("HEARTBEAT_URL", s.server.baseUri() + "/api/ping",
                        "HEARTBEAT_KEY", TestConfig.KEY,
                        "HEARTBEAT_DEVICE", DEVICE,
                        "HEARTBEAT_INTERVAL", "1",
                        "HEARTBEAT_TIMEOUT", "2",
                        "HEARTBEAT_LEDGER", dir.resolve("ledger").toString()),
                dir.resolve(name + ".log"));
    }

    /**
     * What a person would read of one request: the strings of a JSON body, a form's values, or a
     * plain body, with its {@code Title} header, less the channels' Markdown escapes.
     */
    static String readable(FakeService.Request r) {
        StringBuilder t = new StringBuilder();
        if (r.header("Title") != null) {
            t.append(r.header("Title")).append('\n');
        }
        String type = String.valueOf(r.header("Content-Type"));
        if (type.startsWith("application/json")) {
            try {
                strings(JSON.readTree(r.body()), t);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + r.body(), e);
            }
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : r.body().split("&")) {
                t.append(URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8)).append('\n');
            }
        } else {
            t.append(r.body());
        }
        return t.toString().replace("\\", "");
    }

    private static void strings(JsonNode n, StringBuilder t) {
        if (n.isTextual()) {
            t.append(n.asText()).append('\n');
        }
        n.forEach(c -> strings(c, t));
    }

    /** The messages a fake received, by what they say (DOWN or RESOLVED of the device). */
    private List<String> posted(String channel, String kind) {
        List<String> out = new ArrayList<>();
        for (FakeService.Request r : fakes.get(channel).requests()) {
            String text = readable(r);
            if (r.method().equals("POST") && text.contains(kind + ": " + DEVICE)) {
                out.add(text);
            }
        }
        return out;
    }

    private static final List<String> CHATS = List.of("slack", "discord", "teams", "telegram", "ntfy", "pushover");

    private boolean resolvedEverywhere() {
        boolean chats = CHATS.stream().allMatch(c -> !posted(c, "RESOLVED").isEmpty());
        boolean hook = fakes.get("webhook").requests().stream().anyMatch(r -> r.body().contains("\"Resolved\""));
        boolean github = !issues.issues().isEmpty() && "closed".equals(issues.issues().get(0).path("state").asText());
        return chats && hook && github && Mailbox.count(greenMail, "[Heartwatch] RESOLVED: " + DEVICE) >= 1;
    }

    private String everything() {
        StringBuilder t = new StringBuilder();
        fakes.forEach((name, f) -> {
            t.append(name).append(": ").append(f.requests().size()).append(" requests\n");
            f.requests().forEach(r -> t.append("  ").append(r.method()).append(' ').append(r.path()).append(' ')
                    .append(r.header("Content-Type")).append(": ").append(readable(r).replace("\n", " | ")).append('\n'));
        });
        t.append("mail: ").append(Mailbox.all(greenMail)).append('\n');
        t.append("issues: ").append(issues.issues()).append("\ncomments: ").append(issues.comments());
        return t.toString();
    }

    private static String line(String body, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + " *(.+)$").matcher(body);
        assertTrue(m.find(), "no \"" + label + "\" in\n" + body);
        return m.group(1).trim();
    }

    @Test
    void killNineThenARestartIsOneDownAndOneResolvedWithTheOutagesFiguresOnEveryChannel() throws Exception {
        Clients.agentJar();
        try (RunningServer s = new RunningServer(TestConfig.config(dir, settings()), Clock.systemUTC(), ca.client())) {
            ChildProcess first = agent(s, "agent-1");
            try {
                Await.until(Duration.ofSeconds(20), () -> s.status(DEVICE) == DeviceStatus.UP, () -> "never UP\n" + first.output());
            } finally {
                first.kill9(); // SIGKILL: no stopping beat
            }
            Await.until(Duration.ofSeconds(20), () -> CHATS.stream().allMatch(c -> posted(c, "DOWN").size() == 1)
                            && issues.issues().size() == 1 && Mailbox.count(greenMail, "[Heartwatch] DOWN: " + DEVICE) == 1,
                    () -> "no DOWN everywhere\n" + everything() + "\n" + s.consoleText());
            try (ChildProcess second = agent(s, "agent-2")) {
                Await.until(Duration.ofSeconds(30), this::resolvedEverywhere,
                        () -> "no RESOLVED everywhere\n" + everything() + "\n" + second.output());
                Await.sleep(4_000); // a repeat would come within a few worker rounds
            }

            // The mail says the outage's figures: every other channel must say the same.
            List<Mailbox.Mail> mails = Mailbox.all(greenMail);
            assertEquals(2, mails.size(), "one DOWN and one RESOLVED mail: " + mails);
            String downMail = mails.get(0).body();
            String resolvedMail = mails.get(1).body();
            String declared = line(downMail, "Declared down at:").split(" ")[0];
            String start = line(resolvedMail, "Outage start:");
            String end = line(resolvedMail, "Outage end:");
            String duration = line(resolvedMail, "Duration:");
            String cause = line(resolvedMail, "Cause:");
            // The cause is the agent's (agent_not_running after a kill -9; read_timeout when a loaded machine made
            // the first agent's last beat time out before it was killed): whichever, every channel says the same.
            assertTrue(cause.matches("[a-z_]+"), resolvedMail);
            String iso = duration.substring(duration.indexOf('(') + 1, duration.indexOf(')'));
            assertEquals(Duration.between(Instant.parse(start), Instant.parse(end)), Duration.parse(iso), resolvedMail);
            String human = duration.substring(0, duration.indexOf(" (")); // "7 s"
            assertTrue(Duration.parse(iso).toSeconds() >= 3, "the agent was down at least the threshold: " + duration);

            for (String c : CHATS) {
                List<String> down = posted(c, "DOWN");
                List<String> resolved = posted(c, "RESOLVED");
                assertEquals(1, down.size(), c + ": exactly one DOWN\n" + down);
                assertEquals(1, resolved.size(), c + ": exactly one RESOLVED\n" + resolved);
                assertEquals(2, fakes.get(c).requests().size(), c + ": nothing else was sent");
                assertTrue(down.get(0).contains(declared), c + " DOWN names when it was declared down:\n" + down.get(0));
                for (String figure : List.of(start, end, human, cause)) {
                    assertTrue(resolved.get(0).contains(figure), c + " RESOLVED lacks " + figure + ":\n" + resolved.get(0));
                }
            }

            List<JsonNode> hooks = new ArrayList<>();
            for (FakeService.Request r : fakes.get("webhook").requests()) {
                hooks.add(JSON.readTree(r.body()));
            }
            assertEquals(2, hooks.size(), "webhook: one Fired, one Resolved");
            assertEquals("Fired", hooks.get(0).at("/data/essentials/monitorCondition").asText());
            assertEquals("Resolved", hooks.get(1).at("/data/essentials/monitorCondition").asText());
            JsonNode custom = hooks.get(1).at("/data/customProperties");
            assertEquals(start, custom.path("outageStart").asText());
            assertEquals(end, custom.path("outageEnd").asText());
            assertEquals(iso, custom.path("outageDuration").asText());
            assertEquals(cause, custom.path("outageCause").asText());
            assertEquals(hooks.get(0).at("/data/essentials/alertId"), hooks.get(1).at("/data/essentials/alertId"), "one alert instance");

            assertEquals(1, issues.issues().size(), "one GitHub issue for the outage");
            JsonNode issue = issues.issues().get(0);
            assertTrue(issue.path("title").asText().startsWith(DEVICE + " down since "), issue.toString());
            assertEquals("closed", issue.path("state").asText());
            assertEquals(1, issues.comments().size(), "one RESOLVED comment: " + issues.comments());
            String comment = issues.comments().get(0).replace("\\", "");
            for (String figure : List.of(start, end, human, cause)) {
                assertTrue(comment.contains(figure), "the issue's comment lacks " + figure + ":\n" + comment);
            }
            String log = s.consoleText();
            for (String secret : List.of(GITHUB_TOKEN, TELEGRAM_TOKEN, "e2ehooksecret0123456789")) {
                assertTrue(!log.contains(secret), "a secret in the console");
            }
        }
    }
}
