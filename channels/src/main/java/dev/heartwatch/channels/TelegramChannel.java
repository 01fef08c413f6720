package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Telegram's Bot API {@code sendMessage} (core.telegram.org/bots/api#sendmessage): a JSON POST to
 * {@code <api>/bot<token>/sendMessage} with {@code chat_id}, {@code text} in HTML parse mode and
 * link previews off. The answer is always JSON: {@code {"ok":true,"result":…}}, or
 * {@code {"ok":false,"error_code":N,"description":…,"parameters":{"retry_after":S}}}
 * (core.telegram.org/bots/api#making-requests, #responseparameters): a 429 waits
 * {@code retry_after} seconds; 401 (token refused) and 403 (the bot blocked or removed) are
 * permanent; a group that became a supergroup answers 400 with {@code migrate_to_chat_id},
 * reported so the chat id can be updated.
 *
 * <p>The text is at most 4,096 characters after entity parsing, so the raw text is cut before it
 * is escaped ({@link Markup#telegramHtml}): an entity counts as one character there.
 */
public final class TelegramChannel implements NotificationChannel {
    static final int TEXT_LIMIT = 4_096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI sendMessage;
    private final String chatId;
    private final ChannelHttp http;

    /**
     * @param api   the Bot API's base, {@code https://api.telegram.org} (or a local Bot API server)
     * @param token the bot's token: part of the URL, so {@code http} must redact it
     */
    public TelegramChannel(URI api, String token, String chatId, ChannelHttp http) {
        this.sendMessage = api.resolve("/bot" + token + "/sendMessage");
        this.chatId = chatId;
        this.http = http;
    }

    @Override
    public String name() {
        return "telegram";
    }

    /** The service keeps no idempotency key: a repeat after a crash would be a second message to a person. */
    @Override
    public boolean repeatAfterCrash() {
        return false;
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        return http.exchange(http.postJson(sendMessage, payload(m, chatId)).build(), TelegramChannel::read);
    }

    static ObjectNode payload(AlertMessage m, String chatId) {
        ObjectNode root = JSON.createObjectNode();
        root.put("chat_id", chatId);
        String subject = MessageCut.fit(m.subject(), 512);
        String text = MessageCut.fit(m.text(), TEXT_LIMIT - subject.length() - 1);
        root.put("text", "<b>" + Markup.telegramHtml(subject) + "</b>\n" + Markup.telegramHtml(text));
        root.put("parse_mode", "HTML");
        root.putObject("link_preview_options").put("is_disabled", true);
        return root;
    }

    private static DeliveryResult read(ChannelHttp.Answer a) {
        JsonNode body;
        try {
            body = JSON.readTree(a.body());
        } catch (IOException e) {
            body = null;
        }
        JsonNode params = body == null ? null : body.path("parameters");
        if (a.status() == 429 && params != null && params.path("retry_after").canConvertToLong()) {
            return DeliveryResult.retryAfter(Duration.ofSeconds(Math.max(0, params.path("retry_after").asLong())), "HTTP 429");
        }
        if (a.ok() && body != null && !body.path("ok").asBoolean(false)) {
            return DeliveryResult.permanent("answered ok=false with HTTP " + a.status());
        }
        if (params != null && params.path("migrate_to_chat_id").canConvertToLong()) {
            return DeliveryResult.permanent("the chat became a supergroup: set the chat id to "
                    + params.path("migrate_to_chat_id").asLong());
        }
        return ChannelHttp.byStatus(a);
    }
}
