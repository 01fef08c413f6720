package dev.heartwatch.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.channels.support.Alerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/notifications.md shows Azure's ACS mail as the JSON {@link AcsEmailChannel} sends: every
 * block marked {@code <!-- payload:NAME -->} is generated here from the channel's own code, so
 * the doc cannot drift from it. {@code -Dheartwatch.docs.update=true} rewrites the blocks
 * instead. The server's messages (mail, chat, GitHub) are its own NotificationsDocTest's
 * {@code <!-- message:NAME -->} blocks, made by the server's code end to end.
 */
class NotificationsDocTest {
    static final Path DOC = Path.of("..", "docs", "notifications.md");
    static final Pattern BLOCK = Pattern.compile("<!-- payload:([a-z-]+) -->\\n```json\\n([^`]*?)\\n```");

    static Map<String, String> payloads() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> p = new LinkedHashMap<>();
        // The chat channels' messages are the server's (its NotificationsDocTest, <!-- message:NAME --> blocks).
        p.put("acs-email-down", pretty(json, AcsEmailChannel.payload(Alerts.down("pi"),
                "DoNotReply@00000000-1111-2222-3333-444444444444.azurecomm.net", java.util.List.of("you@example.com"))));
        return p;
    }

    private static String pretty(ObjectMapper json, JsonNode n) throws Exception {
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    }

    @Test
    void everyPayloadInTheDocIsWhatTheChannelSends() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Map<String, String> expected = payloads();
        if (Boolean.getBoolean("heartwatch.docs.update")) {
            Matcher m = BLOCK.matcher(doc);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement("<!-- payload:" + m.group(1) + " -->\n```json\n"
                        + expected.getOrDefault(m.group(1), m.group(2)) + "\n```"));
            }
            m.appendTail(out);
            Files.writeString(DOC, out.toString(), StandardCharsets.UTF_8);
            doc = out.toString();
        }
        Matcher m = BLOCK.matcher(doc);
        Map<String, String> found = new LinkedHashMap<>();
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        assertEquals(expected.keySet(), found.keySet(), "the doc shows every payload, and only those");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), found.get(e.getKey()), e.getKey() + " in docs/notifications.md");
        }
    }
}
