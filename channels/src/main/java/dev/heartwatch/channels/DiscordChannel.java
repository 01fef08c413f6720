package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A Discord webhook (discord.com/developers/docs/resources/webhook#execute-webhook): a JSON POST
 * of {@code content} (at most 2,000 characters) with {@code allowed_mentions: {"parse": []}}, so
 * no {@code @everyone}, role or user in the text pings anyone; 204 (or 200) when taken. A 429
 * carries {@code Retry-After} and a JSON {@code retry_after} in seconds
 * (discord.com/developers/docs/topics/rate-limits); either is honoured.
 *
 * <p>Embeds would allow 4,096 characters of description but render links in their text; plain
 * content with Markdown escaped ({@link Markup#markdown}) keeps a device name inert.
 */
public final class DiscordChannel extends JsonWebhookChannel {
    static final int CONTENT_LIMIT = 2_000;
    /** The bold first line, so the text keeps most of the 2,000. */
    static final int SUBJECT_LIMIT = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    public DiscordChannel(URI webhook, ChannelHttp http) {
        super("discord", webhook, http);
    }

    @Override
    ObjectNode body(AlertMessage m) {
        return payload(m);
    }

    @Override
    DeliveryResult read(ChannelHttp.Answer a) {
        return answer(a);
    }

    static ObjectNode payload(AlertMessage m) {
        ObjectNode root = JSON.createObjectNode();
        String subject = "**" + MessageCut.fit(Markup.markdown(m.subject()), SUBJECT_LIMIT) + "**\n";
        root.put("content", subject + MessageCut.fit(Markup.markdown(m.text()), CONTENT_LIMIT - subject.length()));
        root.putObject("allowed_mentions").putArray("parse");
        return root;
    }

    private static DeliveryResult answer(ChannelHttp.Answer a) {
        if (a.status() == 429 && a.retryAfter().isEmpty()) {
            try {
                JsonNode body = JSON.readTree(a.body());
                if (body != null && body.path("retry_after").isNumber()) {
                    long ms = (long) Math.ceil(body.path("retry_after").asDouble() * 1000);
                    return DeliveryResult.retryAfter(Duration.ofMillis(Math.max(ms, 0)), "HTTP 429");
                }
            } catch (IOException e) {
                // Not JSON: the worker's own backoff applies.
            }
        }
        return ChannelHttp.byStatus(a);
    }
}
