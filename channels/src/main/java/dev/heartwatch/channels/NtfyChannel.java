package dev.heartwatch.channels;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An ntfy topic on any server (docs.ntfy.sh/publish/): a POST of the message as the body, with
 * the {@code Title}, {@code Priority} ({@code high} for DOWN, {@code default} for RESOLVED) and
 * {@code Tags} headers, and {@code Authorization: Bearer <token>} when the topic is protected
 * (docs.ntfy.sh/publish/#access-tokens). 200 with the message's JSON when taken; 401/403 for a
 * refused token, 413 for too large, 429 when the visitor's rate is spent
 * (docs.ntfy.sh/config/#rate-limiting).
 *
 * <p>ntfy keeps a message up to 4,096 bytes by default (a longer one becomes an attachment), so
 * the body is cut to that in UTF-8. Header values are single lines; a title outside ASCII is sent
 * as an RFC 2047 encoded word, which ntfy decodes. Markdown is off unless asked for, so the body
 * is shown as sent.
 */
public final class NtfyChannel implements NotificationChannel {
    static final int MESSAGE_BYTES = 4_096;
    static final int TITLE_LIMIT = 250;

    private final URI topic;
    private final String token;
    private final ChannelHttp http;

    /** @param token an access token, or null for an open topic */
    public NtfyChannel(URI topic, String token, ChannelHttp http) {
        this.topic = topic;
        this.token = token;
        this.http = http;
    }

    @Override
    public String name() {
        return "ntfy";
    }

    /** The service keeps no idempotency key: a repeat after a crash would be a second message to a person. */
    @Override
    public boolean repeatAfterCrash() {
        return false;
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        HttpRequest.Builder req = http.request(topic)
                .header("Content-Type", "text/plain; charset=utf-8")
                .header("Title", headerValue(MessageCut.fit(m.subject(), TITLE_LIMIT)))
                .header("Priority", m.fired() ? "high" : "default")
                .header("Tags", m.fired() ? "rotating_light" : "white_check_mark")
                .POST(HttpRequest.BodyPublishers.ofString(MessageCut.fitUtf8(m.text(), MESSAGE_BYTES), StandardCharsets.UTF_8));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return http.exchange(req.build(), ChannelHttp::byStatus);
    }

    /** One line of printable ASCII, else an RFC 2047 encoded word: the JDK refuses anything else in a header. */
    static String headerValue(String text) {
        String line = text.replace('\r', ' ').replace('\n', ' ');
        boolean ascii = line.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return ascii ? line : "=?UTF-8?B?" + Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
