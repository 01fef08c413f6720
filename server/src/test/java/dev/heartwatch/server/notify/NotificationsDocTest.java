package dev.heartwatch.server.notify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.channels.support.DocBlocks;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.TestCa;
import jakarta.mail.internet.MimeMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/notifications.md shows each message kind as it is sent: every block marked
 * {@code <!-- message:NAME -->} is what the server's own code sent in {@link DocScenario} (one
 * outage of {@code pi}, a storm of six): the mail's subject and text, each chat channel's JSON,
 * ntfy's and Pushover's request, the GitHub issue and comment. The doc cannot drift from the
 * code; {@code -Dheartwatch.docs.update=true} rewrites the blocks instead of comparing
 * ({@link DocBlocks}, the channels' reader of the doc's blocks).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationsDocTest {
    static final String DOC = "docs/notifications.md";
    static final ObjectMapper JSON = new ObjectMapper();

    DocScenario scenario;

    @BeforeAll
    void run(@TempDir Path dir) throws Exception {
        scenario = new DocScenario(TestCa.create(java.nio.file.Files.createDirectories(dir.resolve("ca"))), dir);
    }

    @AfterAll
    void stop() {
        scenario.close();
    }

    static String mail(MimeMessage m) throws Exception {
        return "Subject: " + m.getSubject() + "\n\n" + String.valueOf(m.getContent()).replace("\r\n", "\n").stripTrailing();
    }

    static String pretty(String json) throws Exception {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
    }

    Map<String, String> expected() throws Exception {
        Map<String, String> p = new LinkedHashMap<>();
        for (String kind : DocScenario.KINDS) {
            p.put("mail-" + kind, mail(scenario.mails.get(kind)));
        }
        for (String channel : new String[] {"slack", "discord", "teams", "telegram"}) {
            for (String kind : DocScenario.KINDS) {
                p.put(channel + "-" + kind, pretty(scenario.post(channel, kind).body()));
            }
        }
        FakeService.Request ntfy = scenario.post("ntfy", "down");
        p.put("ntfy-down", "POST " + ntfy.path() + "\nTitle: " + ntfy.header("Title") + "\nPriority: " + ntfy.header("Priority")
                + "\nTags: " + ntfy.header("Tags") + "\n\n" + ntfy.body().stripTrailing());
        StringBuilder form = new StringBuilder("POST " + scenario.post("pushover", "down").path() + "\n");
        for (String pair : scenario.post("pushover", "down").body().split("&")) {
            String name = pair.substring(0, pair.indexOf('='));
            String value = URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8);
            form.append(name).append(": ").append(name.equals("token") || name.equals("user") ? "(secret)" : value.replace("\n", "\\n"))
                    .append('\n');
        }
        p.put("pushover-down", form.toString().stripTrailing());
        p.put("github-down", pretty(scenario.post("github", "down").body()));
        p.put("github-resolved", pretty(scenario.sent.get("github").get("resolved").stream()
                .filter(r -> r.path().endsWith("/comments")).findFirst().orElseThrow().body()));
        return p;
    }

    @Test
    void everyMessageInTheDocIsWhatTheServerSends() throws Exception {
        String doc = DocBlocks.check(DOC, "message", expected());
        assertTrue(doc.contains("202"), "the Teams Workflows section says what a 202 cannot show");
    }

    @Test
    void theResolvedCarriesTheOutagesFiguresOnEveryChannel() throws Exception {
        Map<String, String> p = expected();
        for (String name : new String[] {"mail-resolved", "slack-resolved", "discord-resolved", "teams-resolved", "telegram-resolved",
                "github-resolved"}) {
            String text = p.get(name).replace("\\", "");
            for (String figure : new String[] {"2026-12-01T10:00:40Z", "2026-12-01T10:42:00Z", "41 min 20 s", "dns"}) {
                assertTrue(text.contains(figure), name + " lacks " + figure + ":\n" + text);
            }
        }
        JsonNode digest = JSON.readTree(p.get("slack-digest"));
        assertTrue(digest.toString().contains("6 devices down"), digest.toString());
    }
}
