package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.channels.support.Alerts;
import dev.heartwatch.channels.support.DocBlocks;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/notifications.md shows Azure's ACS mail as the JSON {@link AcsEmailChannel} sends: every
 * block marked {@code <!-- payload:NAME -->} is generated here from the channel's own code, so
 * the doc cannot drift from it. {@code -Dheartwatch.docs.update=true} rewrites the blocks
 * instead. The server's messages (mail, chat, GitHub) are its own NotificationsDocTest's
 * {@code <!-- message:NAME -->} blocks, made by the server's code end to end; both read the doc
 * with {@link DocBlocks}.
 */
class NotificationsDocTest {
    static final String DOC = "docs/notifications.md";

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
        DocBlocks.check(DOC, "payload", payloads());
    }
}
