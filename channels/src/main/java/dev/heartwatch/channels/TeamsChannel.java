package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/**
 * A Microsoft Teams channel through a Workflows webhook ("Post to a channel when a webhook
 * request is received"; Office 365 connectors are being retired,
 * learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook):
 * a JSON POST of a message with one Adaptive Card attachment (two {@code TextBlock}s).
 *
 * <p>The flow answers {@code 202 Accepted} before it runs: delivered here means "the flow took
 * it", not "it is in the channel". A flow that then fails (the card refused, the poster removed
 * from the team, the flow turned off) is seen only in the flow's run history, never here.
 * Teams caps a message at about 28 KB; the text is cut to {@link #TEXT_LIMIT} characters, which
 * stays below it even at three bytes a character. TextBlock renders a Markdown subset, so the
 * text is escaped ({@link Markup#markdown}).
 */
public final class TeamsChannel extends JsonWebhookChannel {
    static final int TITLE_LIMIT = 300;
    static final int TEXT_LIMIT = 8_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public TeamsChannel(URI webhook, ChannelHttp http) {
        super("teams", webhook, http);
    }

    @Override
    ObjectNode body(AlertMessage m) {
        return payload(m);
    }

    static ObjectNode payload(AlertMessage m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("size", "Medium").put("weight", "Bolder").put("wrap", true)
                .put("text", MessageCut.fit(Markup.markdown(m.subject()), TITLE_LIMIT));
        body.addObject().put("type", "TextBlock").put("wrap", true)
                .put("text", MessageCut.fit(Markup.markdown(m.text()), TEXT_LIMIT));
        return root;
    }
}
