package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/**
 * A Slack incoming webhook (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * a JSON POST with {@code text} and {@code blocks}; 200 {@code ok} when taken, 400/403/404/410
 * with an error word otherwise, 429 with {@code Retry-After} when rate limited
 * (docs.slack.dev/apis/web-api/rate-limits).
 *
 * <p>The message is a header block (plain text, at most 150 characters) and a section (plain
 * text, at most 3,000): plain text is never parsed for mentions, links or formatting
 * (docs.slack.dev/reference/block-kit/composition-objects/text-object). The top-level
 * {@code text} is the notification's fallback and is mrkdwn, so it is escaped ({@link Markup#slack}).
 */
public final class SlackChannel extends JsonWebhookChannel {
    static final int HEADER_LIMIT = 150;
    static final int SECTION_LIMIT = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public SlackChannel(URI webhook, ChannelHttp http) {
        super("slack", webhook, http);
    }

    @Override
    ObjectNode body(AlertMessage m) {
        return payload(m);
    }

    static ObjectNode payload(AlertMessage m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", Markup.slack(MessageCut.fit(m.subject(), SECTION_LIMIT)));
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", MessageCut.fit(m.subject(), HEADER_LIMIT));
        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "plain_text").put("text", MessageCut.fit(m.text(), SECTION_LIMIT));
        return root;
    }
}
