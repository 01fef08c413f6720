package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.channels.support.Alerts;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Device-supplied text cannot mention, link or format in any channel, and every message stays
 * within its service's documented limit, cut with a note saying so.
 */
class HostileTextTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOSTILE = "<!channel> @everyone @here [x](http://evil) <b>bold</b> *star* _u_ ~s~ `c` <@U123> &amp;";
    static final String LONG = "x".repeat(70_000);

    @Test
    void slackShowsMentionsAndLinksAsTextInTheFallbackAndUsesPlainTextBlocks() {
        JsonNode p = SlackChannel.payload(Alerts.down("pi", HOSTILE)).deepCopy();
        JsonNode hostile = SlackChannel.payload(Alerts.down(HOSTILE, HOSTILE));
        String fallback = hostile.path("text").asText();
        assertFalse(fallback.contains("<"), fallback);
        assertFalse(fallback.contains(">"), fallback);
        assertTrue(fallback.contains("&lt;!channel&gt;"), fallback);
        assertTrue(fallback.contains("&amp;amp;"), "an entity in the name is shown, not decoded: " + fallback);
        for (JsonNode b : hostile.path("blocks")) {
            assertEquals("plain_text", b.path("text").path("type").asText(), "plain text is never parsed: " + b);
        }
        assertEquals(HOSTILE, p.path("blocks").get(1).path("text").path("text").asText());
    }

    @Test
    void discordAllowsNoMentionAndEscapesMarkdown() {
        JsonNode p = DiscordChannel.payload(Alerts.down(HOSTILE, HOSTILE));
        assertTrue(p.path("allowed_mentions").path("parse").isArray());
        assertEquals(0, p.path("allowed_mentions").path("parse").size(), "parse: [] — nobody is pinged");
        String c = p.path("content").asText();
        assertFalse(c.contains("[x](http://evil)"), c);
        assertFalse(c.contains("@everyone"), c);
        assertTrue(c.contains("\\[x\\]\\(http\\://evil\\)"), c);
        assertTrue(c.contains("\\*star\\*"), c);
        assertFalse(c.contains("<@U123>"), c);
    }

    @Test
    void telegramEscapesHtmlSoOnlyItsOwnBoldIsMarkup() {
        String t = TelegramChannel.payload(Alerts.down(HOSTILE, HOSTILE), "1").path("text").asText();
        assertTrue(t.startsWith("<b>"), t);
        assertEquals(1, t.split("<b>", -1).length - 1, "one <b>, ours: " + t);
        assertTrue(t.contains("&lt;b&gt;bold&lt;/b&gt;"), t);
        assertTrue(t.contains("&amp;amp;"), t);
    }

    @Test
    void teamsAndGitHubEscapeMarkdownAndMentions() {
        String teams = TeamsChannel.payload(Alerts.down(HOSTILE, HOSTILE)).path("attachments").get(0).path("content")
                .path("body").get(1).path("text").asText();
        assertFalse(teams.contains("[x](http://evil)"), teams);
        String md = Markup.markdown(HOSTILE);
        assertFalse(md.contains("@everyone"), "no GitHub or Discord mention forms: " + md);
        assertFalse(md.contains("http://"), "no autolink forms: " + md);
        assertFalse(GitHubIssueChannel.title(Alerts.down("pi")).isBlank());
    }

    @Test
    void everyMessageStaysWithinItsServicesLimitAndSaysItWasCut() {
        var m = Alerts.down("pi", LONG);
        String slack = SlackChannel.payload(m).path("blocks").get(1).path("text").path("text").asText();
        assertEquals(SlackChannel.SECTION_LIMIT, slack.length());
        assertTrue(slack.endsWith(MessageCut.NOTE));

        String discord = DiscordChannel.payload(m).path("content").asText();
        assertTrue(discord.length() <= DiscordChannel.CONTENT_LIMIT, "length " + discord.length());
        assertTrue(discord.endsWith(MessageCut.NOTE));

        String telegram = TelegramChannel.payload(Alerts.down("pi", "<".repeat(10_000)), "1").path("text").asText();
        String shown = telegram.replace("<b>", "").replace("</b>", "").replace("&lt;", "<");
        assertTrue(shown.length() <= TelegramChannel.TEXT_LIMIT, "4,096 after entity parsing: " + shown.length());
        assertTrue(shown.endsWith(MessageCut.NOTE));

        String teams = TeamsChannel.payload(m).path("attachments").get(0).path("content").path("body").get(1).path("text").asText();
        assertEquals(TeamsChannel.TEXT_LIMIT, teams.length());

        PushoverChannel push = new PushoverChannel(java.net.URI.create("https://127.0.0.1"), "t", "u", null);
        String form = push.form(Alerts.down("pi".repeat(200), LONG));
        String message = field(form, "message");
        assertEquals(PushoverChannel.MESSAGE_LIMIT, message.length());
        assertTrue(message.endsWith(MessageCut.NOTE));
        assertTrue(field(form, "title").length() <= PushoverChannel.TITLE_LIMIT);

        String ntfy = MessageCut.fitUtf8("é".repeat(5_000), NtfyChannel.MESSAGE_BYTES);
        assertTrue(ntfy.getBytes(StandardCharsets.UTF_8).length <= NtfyChannel.MESSAGE_BYTES);
        assertTrue(ntfy.endsWith(MessageCut.NOTE));
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String s = MessageCut.fit("a" + "😀".repeat(100), 20);
        assertFalse(Character.isHighSurrogate(s.charAt(s.length() - MessageCut.NOTE.length() - 1)), s);
        assertTrue(s.length() <= 20);
    }

    @Test
    void anNtfyTitleIsOneHeaderLineAndNonAsciiIsAnEncodedWord() {
        assertEquals("a b", NtfyChannel.headerValue("a\r\nb").replace("  ", " "));
        assertTrue(NtfyChannel.headerValue("DOWN — pi").startsWith("=?UTF-8?B?"));
        assertFalse(NtfyChannel.headerValue("x\ny").contains("\n"));
    }

    private static String field(String form, String name) {
        for (String pair : form.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + form);
    }
}
